"""LinkedIn app credentials, setup help, and the checks LinkedIn allows (format only)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from platforms.base import SetupCheck, SetupHelp

CLIENT_ID = re.compile(r"^[A-Za-z0-9]{10,20}$")


def credentials(organization=None) -> tuple[str, str]:
    from accounts.services.platform_apps import platform_credentials

    found = platform_credentials("linkedin", organization)
    if found and found.client_id:
        return found.client_id, found.client_secret
    return settings.LINKEDIN_CLIENT_ID or "", settings.LINKEDIN_CLIENT_SECRET or ""


def setup_help(*, redirect_uri: str) -> SetupHelp:
    from platforms.linkedin.connect import SCOPES

    return SetupHelp(
        redirect_uri=redirect_uri, portal_url="https://www.linkedin.com/developers/apps",
        scopes=SCOPES,
        steps=(
            _("Create an app at linkedin.com/developers and verify it with your company page."),
            _("On the Auth tab, add this exact address under “Authorized redirect URLs”: "
              "%(uri)s") % {"uri": redirect_uri},
            _("On the Products tab, add “Sign In with LinkedIn using OpenID Connect” and "
              "“Share on LinkedIn” (member posts)."),
            _("Copy the client ID and client secret into the platform settings here, or set "
              "LINKEDIN_CLIENT_ID and LINKEDIN_CLIENT_SECRET."),
        ),
        review=(
            _("Posting as a company page and reading its comments needs the “Community "
              "Management API” product, which LinkedIn reviews (company verification and a "
              "use-case form). Without it, members can still post as themselves."),
            _("Access tokens last 60 days and cannot be refreshed unless LinkedIn admits the "
              "app to its partner programme: admins are reminded to reconnect in time."),
        ),
        env_vars=("LINKEDIN_CLIENT_ID", "LINKEDIN_CLIENT_SECRET", "LINKEDIN_API_VERSION"),
    )


def check_setup(*, redirect_uri: str, organization=None) -> list[SetupCheck]:
    """LinkedIn offers no endpoint to test app credentials; check what can be checked."""
    client_id, secret = credentials(organization)
    checks = []
    if not client_id or not secret:
        checks.append(SetupCheck("error", _("No LinkedIn client ID and secret are configured.")))
    elif not CLIENT_ID.match(client_id):
        checks.append(SetupCheck("error", _(
            "The LinkedIn client ID should be 10–20 letters and digits; check for spaces or a "
            "pasted secret.")))
    else:
        checks.append(SetupCheck("ok", _(
            "A client ID and secret are configured. LinkedIn cannot check them without a "
            "sign-in: connect an account to confirm.")))
    if urlsplit(redirect_uri).scheme != "https" and urlsplit(redirect_uri).hostname not in (
            "localhost", "127.0.0.1"):
        checks.append(SetupCheck("error", _(
            "LinkedIn requires an https:// redirect address; this installation uses %(uri)s. "
            "Set SITE_URL to its public https address.") % {"uri": redirect_uri}))
    else:
        checks.append(SetupCheck("ok", _("Redirect address: %(uri)s") % {"uri": redirect_uri}))
    if not re.fullmatch(r"20\d{4}", settings.LINKEDIN_API_VERSION or ""):
        checks.append(SetupCheck("error", _("LINKEDIN_API_VERSION must look like 202510.")))
    return checks
