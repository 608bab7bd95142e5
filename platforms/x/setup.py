"""What a self-hoster registers at X, and what can be checked without a signed-in user."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from platforms.base import SetupCheck, SetupHelp

PORTAL = "https://developer.x.com/en/portal/dashboard"


def setup_help(redirect_uri: str, scopes: tuple[str, ...]) -> SetupHelp:
    return SetupHelp(
        redirect_uri=redirect_uri,
        portal_url=PORTAL,
        scopes=scopes,
        steps=(
            _("In the X developer console, create a Project and an App inside it."),
            _("Under “User authentication settings”, turn on OAuth 2.0, choose the app type "
              "“Web App, Automated App or Bot” (a confidential client) and the permission "
              "“Read and write”."),
            _("Enter the callback URI shown here exactly, and your website's address."),
            _("Copy the OAuth 2.0 Client ID and Client Secret into the fields below (or the "
              "X_CLIENT_ID and X_CLIENT_SECRET environment variables)."),
        ),
        review=(
            _("X bills API usage per call: buy credits for the app before publishing; a "
              "post with a link costs more than one without."),
            _("Reading mentions of customer accounts is billed as ordinary reads."),
        ),
        env_vars=("X_CLIENT_ID", "X_CLIENT_SECRET"),
    )


def check_setup(credentials, redirect_uri: str) -> list[SetupCheck]:
    checks: list[SetupCheck] = []
    if credentials is None or not credentials.client_id:
        return [SetupCheck("error", _("No client ID is configured for X."))]
    checks.append(SetupCheck("ok", _("A client ID is configured.")))
    if credentials.client_secret:
        checks.append(SetupCheck("ok", _("A client secret is configured (confidential "
                                         "client).")))
    else:
        checks.append(SetupCheck("error", _("No client secret is configured. socialmgr "
                                             "connects as a confidential client; copy the "
                                             "OAuth 2.0 Client Secret from the X console.")))
    parts = urlsplit(redirect_uri)
    if parts.scheme != "https" and parts.hostname not in ("127.0.0.1", "localhost"):
        checks.append(SetupCheck("error", _("X only accepts https callback URIs; set SITE_URL "
                                            "to this installation's https address.")))
    checks.append(SetupCheck("warning", _("X cannot check the client secret or the callback "
                                          "URI without a signed-in user: connect an account "
                                          "to test them.")))
    return checks
