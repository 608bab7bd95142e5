"""Parse `EMAIL_URL` (smtp://user:pass@host:587/?tls=true, smtps://…, console://) into MAILERS."""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def parse_email_url(url: str) -> dict:
    """Return the `MAILERS["default"]` entry for an email URL."""
    parts = urlsplit(url)
    if parts.scheme not in _BACKENDS:
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be one of {sorted(_BACKENDS)}")
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    config: dict = {"BACKEND": _BACKENDS[parts.scheme]}
    if parts.scheme in ("smtp", "smtps"):
        config["OPTIONS"] = {
            "host": parts.hostname or "localhost",
            "port": parts.port or (465 if parts.scheme == "smtps" else 587),
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_ssl": parts.scheme == "smtps",
            "use_tls": parts.scheme == "smtp" and query.get("tls", "true") == "true",
            "timeout": int(query.get("timeout", "10")),
        }
    return config
