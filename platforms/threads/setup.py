"""Setup help and the *test the setup* checks for a Threads app."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.translation import gettext as _

from platforms.base import SetupCheck, SetupHelp
from platforms.meta.setup import media_url_checks, public_media_base
from platforms.threads.connect import SCOPES, app_credentials


def setup_help(*, redirect_uri: str) -> SetupHelp:
    return SetupHelp(
        redirect_uri=redirect_uri, portal_url="https://developers.facebook.com/apps/",
        scopes=SCOPES,
        steps=(
            _("Create an app at developers.facebook.com and choose the use case “Access the "
              "Threads API”."),
            _("Under Use cases → Threads API → Settings, add this exact address to “Redirect "
              "Callback URLs”: %(uri)s") % {"uri": redirect_uri},
            _("On the same page, add every permission listed above (threads_basic is always "
              "on)."),
            _("Copy the Threads app ID and Threads app secret (not the Meta app ID shown at "
              "the top) into the platform settings here, or set THREADS_CLIENT_ID and "
              "THREADS_CLIENT_SECRET."),
            _("Threads downloads every image and video from this installation, so its media "
              "addresses (%(media)s) must be reachable from the internet over HTTPS.")
            % {"media": public_media_base()},
        ),
        review=(
            _("Until the app passes App Review, only Threads accounts added as testers (App "
              "roles → Roles → Threads Testers, accepted in the Threads app under Settings → "
              "Account → Website permissions) can connect."),
            _("For everyone else, request Advanced Access for each permission in App Review, "
              "with a screencast of connecting, publishing, replying and insights, and "
              "complete Business Verification."),
        ),
        env_vars=("THREADS_CLIENT_ID", "THREADS_CLIENT_SECRET"),
    )


def check_setup(*, redirect_uri: str, organization=None) -> list[SetupCheck]:
    """Threads has no call that checks app credentials without a sign-in: check the rest."""
    credentials = app_credentials(organization)
    checks = []
    if not credentials.configured:
        checks.append(SetupCheck("error", _("No Threads app ID and secret are configured.")))
    elif not credentials.app_id.isdigit():
        checks.append(SetupCheck("error", _(
            "The Threads app ID is a number; check that you copied the Threads app ID and "
            "not the secret.")))
    else:
        checks.append(SetupCheck("ok", _(
            "A Threads app ID and secret are configured. Threads cannot check them without a "
            "sign-in: connect an account to confirm.")))
    if urlsplit(redirect_uri).scheme != "https":
        checks.append(SetupCheck("error", _(
            "Threads only redirects to HTTPS addresses, but this installation's redirect "
            "address is %(uri)s. Set SITE_URL to the public https:// address.")
            % {"uri": redirect_uri}))
    else:
        checks.append(SetupCheck("ok", _("Redirect address: %(uri)s") % {"uri": redirect_uri}))
    checks.extend(media_url_checks("Threads"))
    return checks


