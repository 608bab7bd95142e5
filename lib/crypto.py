"""Encryption of secrets at rest (platform tokens, app client secrets).

Keys come from `settings.TOKEN_ENCRYPTION_KEYS`, a list of Fernet keys: the first
encrypts, every key decrypts, so rotating means putting a new key first and then
running `manage.py rotate_token_keys`. In development and tests, with no keys set,
the key file `var/token_encryption_keys` (written by `make run`, created here if
missing) is used; in production a missing key is an ImproperlyConfigured error.
"""

from __future__ import annotations

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionFailed(Exception):
    """A stored secret could not be decrypted with any configured key."""


def _key_file():
    return settings.VAR_DIR / "token_encryption_keys"


def configured_keys() -> tuple[str, ...]:
    keys = [k for k in settings.TOKEN_ENCRYPTION_KEYS if k]
    if keys:
        return tuple(keys)
    if not (settings.DEBUG or settings.TESTING):
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS must be set: a comma-separated list of Fernet keys, newest "
            "first. Generate one with: python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'"
        )
    path = _key_file()
    if not path.exists():
        path.write_text(Fernet.generate_key().decode() + "\n")
        path.chmod(0o600)
    return tuple(k.strip() for k in path.read_text().replace("\n", ",").split(",") if k.strip())


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(k.encode()) for k in keys])
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(
            "TOKEN_ENCRYPTION_KEYS holds a key that is not a valid Fernet key "
            "(32 url-safe base64-encoded bytes)"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(configured_keys())


def encrypt(plain: str) -> str:
    """Encrypt with the first key. The empty string stays empty (no secret stored)."""
    if not plain:
        return ""
    return fernet().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored:
        return ""
    try:
        return fernet().decrypt(stored.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "a stored secret cannot be decrypted with the configured keys"
        ) from None


def rotate(stored: str) -> str:
    """Re-encrypt a stored secret with the first key (no-op for the empty string)."""
    if not stored:
        return ""
    try:
        return fernet().rotate(stored.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed(
            "a stored secret cannot be decrypted with the configured keys"
        ) from None
