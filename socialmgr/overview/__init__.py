"""The organisation overview page: it reads every app, so it lives with the project wiring."""
