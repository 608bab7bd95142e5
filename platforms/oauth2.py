"""Small OAuth 2 pieces shared by the redirect-based connectors: state, PKCE, callback checks.

The provider puts `state` and the PKCE verifier into `ConnectStart.state` (kept in the
session by the connect view) and checks the callback against them in `connect_complete`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.utils.translation import gettext as _

from platforms.errors import Rejected


def new_state() -> str:
    return secrets.token_urlsafe(32)


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, S256 code_challenge) per RFC 7636."""
    verifier = secrets.token_urlsafe(64)[:96]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    return verifier, challenge


def check_callback(*, expected_state: str, params: dict, platform: str) -> str:
    """The authorisation `code` from a callback, or Rejected with a message people understand.

    A denied consent, a missing or foreign `state` (tampered or replayed callback) and a
    missing code all connect nothing.
    """
    error = str(params.get("error") or "")
    if error:
        if error == "access_denied":
            raise Rejected(_("Access was not granted on %(platform)s, so nothing was connected.")
                           % {"platform": platform})
        raise Rejected(_("%(platform)s refused the sign-in (%(error)s). Nothing was connected.")
                       % {"platform": platform, "error": error[:100]})
    received = str(params.get("state") or "")
    if not expected_state or not received or not hmac.compare_digest(received, expected_state):
        raise Rejected(_("The sign-in could not be verified (it expired or was tampered with). "
                         "Please start connecting again."))
    code = str(params.get("code") or "")
    if not code:
        raise Rejected(_("%(platform)s did not send an authorisation code. Please try again.")
                       % {"platform": platform})
    return code
