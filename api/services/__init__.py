"""API services: tokens and webhooks. Views (UI and API) and tasks call these."""
