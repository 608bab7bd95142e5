"""Setup help and the *test the setup* checks for the Meta app (Facebook and Instagram)."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from django.utils.translation import gettext as _

from platforms.base import SetupCheck, SetupHelp
from platforms.errors import ProviderError
from platforms.http import UnsafeURL, guarded_get, pick, safe_public_url
from platforms.meta import login
from platforms.meta.graph import GraphClient, graph_url


def setup_help(*, redirect_uri: str, instagram: bool) -> SetupHelp:
    steps = [
        _("Create an app of type “Business” at developers.facebook.com and add the product "
          "“Facebook Login for Business”."),
        _("Under Facebook Login → Settings, add this exact address to “Valid OAuth Redirect "
          "URIs”: %(uri)s") % {"uri": redirect_uri},
        _("Copy the app ID and app secret (App settings → Basic) into the platform settings "
          "here, or set META_APP_ID and META_APP_SECRET."),
        _("For comments in real time, add the Webhooks product, subscribe the Page object to "
          "“feed” and the Instagram object to “comments”, with the callback %(hook)s and the "
          "verify token from META_WEBHOOK_VERIFY_TOKEN.")
        % {"hook": f"{settings.SITE_URL}/webhooks/meta/"},
    ]
    if instagram:
        steps.append(_("Link each Instagram business or creator account to a Facebook page. "
                       "Meta downloads images from this installation, so its media addresses "
                       "(%(media)s) must be reachable from the internet over HTTPS.")
                     % {"media": public_media_base()})
    return SetupHelp(
        redirect_uri=redirect_uri, portal_url="https://developers.facebook.com/apps/",
        scopes=login.SCOPES, steps=tuple(steps),
        review=(
            _("Until the app passes App Review, only people with a role on the app (admins, "
              "developers, testers) can connect their pages."),
            _("Request Advanced Access for every permission listed above in App Review, with a "
              "screencast of the connect and publish flow, and complete Business "
              "Verification."),
        ),
        env_vars=("META_APP_ID", "META_APP_SECRET", "META_WEBHOOK_VERIFY_TOKEN"),
    )


def check_setup(*, redirect_uri: str, organization=None, instagram: bool) -> list[SetupCheck]:
    checks = [_redirect_check(redirect_uri), *_app_checks(organization)]
    if not settings.META_WEBHOOK_VERIFY_TOKEN:
        checks.append(SetupCheck("warning", _(
            "META_WEBHOOK_VERIFY_TOKEN is not set, so Meta webhooks cannot be verified; "
            "comments arrive by polling only.")))
    if instagram:
        checks.extend(media_url_checks())
    return checks


def _redirect_check(redirect_uri: str) -> SetupCheck:
    if urlsplit(redirect_uri).scheme != "https":
        return SetupCheck("error", _(
            "Facebook Login only redirects to HTTPS addresses, but this installation's "
            "redirect address is %(uri)s. Set SITE_URL to the public https:// address.")
            % {"uri": redirect_uri})
    return SetupCheck("ok", _("Redirect address: %(uri)s") % {"uri": redirect_uri})


def _app_checks(organization) -> list[SetupCheck]:
    credentials = login.app_credentials(organization)
    if not credentials.configured:
        return [SetupCheck("error", _("No Meta app ID and secret are configured."))]
    client = GraphClient("Facebook")
    try:
        answer = client.json("GET", graph_url("oauth/access_token"), params={
            "client_id": credentials.app_id, "client_secret": credentials.app_secret,
            "grant_type": "client_credentials"})
        app_token = pick(answer, "access_token", str, what="Facebook app token")
        app = client.json("GET", graph_url(credentials.app_id), token=app_token,
                          params={"fields": "id,name"})
    except ProviderError as exc:
        return [SetupCheck("error", _("Meta did not accept the app ID and secret: %(reason)s")
                           % {"reason": exc.message})]
    name = app.get("name") if isinstance(app, dict) else ""
    return [SetupCheck("ok", _("Meta accepted the app ID and secret (app “%(name)s”).")
                       % {"name": name or credentials.app_id})]


def public_media_base() -> str:
    """The absolute address media files are served from (what Meta must be able to fetch)."""
    base = getattr(settings, "MEDIA_PUBLIC_URL", "") or settings.MEDIA_URL
    return urljoin(f"{settings.SITE_URL}/", base)


def public_media_url(relative_or_absolute: str) -> str:
    """An absolute, public URL for a stored file's `.url`, or "" when it cannot be public."""
    url = urljoin(public_media_base(), relative_or_absolute)
    try:
        safe_public_url(url)
    except UnsafeURL:
        return ""
    return url


def media_url_checks(platform: str = "Instagram") -> list[SetupCheck]:
    """Could Meta fetch this installation's media? Public host, HTTPS, and it answers."""
    base = public_media_base()
    parts = urlsplit(base)
    try:
        safe_public_url(base)
    except UnsafeURL as exc:
        return [SetupCheck("error", _(
            "%(platform)s downloads every image from this installation, but the media "
            "address %(url)s is not on the public internet (%(reason)s). Set SITE_URL (or "
            "MEDIA_PUBLIC_URL) to a public address.")
            % {"platform": platform, "url": base, "reason": exc})]
    checks = []
    if parts.scheme != "https":
        checks.append(SetupCheck("warning", _(
            "The media address %(url)s uses http; Meta may refuse to download from it. "
            "Serve media over HTTPS.") % {"url": base}))
    try:
        response = guarded_get(base, max_bytes=256 * 1024, timeout=(5, 10))
    except (UnsafeURL, requests.RequestException) as exc:
        checks.append(SetupCheck("error", _(
            "The media address %(url)s did not answer (%(reason)s), so Meta could not fetch "
            "images either.") % {"url": base, "reason": type(exc).__name__}))
        return checks
    if response.status_code >= 500:
        checks.append(SetupCheck("error", _("The media address %(url)s answered with a server "
                                            "error (HTTP %(status)d).")
                                 % {"url": base, "status": response.status_code}))
    else:
        checks.append(SetupCheck("ok", _("Media addresses are public and reachable: %(url)s")
                                 % {"url": base}))
    return checks
