"""Public REST API (/api/v1/), API tokens and outgoing webhooks."""
