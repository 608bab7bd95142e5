"""Own short links: made when a post is published, followed by anyone, counted for people.

Codes are 9 characters from a 56-character alphabet without look-alikes (0/O, 1/l/I):
56**9 ≈ 5·10**15 codes, drawn with `secrets`, so guessing one by trying is hopeless at any
rate a web server answers.

What counts as a click (the bot rule, documented in docs/analytics.md): a GET that is not a
browser prefetch, from a user agent that calls itself a browser ("Mozilla/…") and names no
crawler, link-preview fetcher or command-line client. Link previews (Mastodon servers,
Slack, messengers, search engines) and HEAD requests are redirected but not counted.
Nothing about the visitor is stored.
"""

from __future__ import annotations

import re
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import audit_record
from analytics.models import ShortLink, ShortLinkDay
from analytics.utm import replace_urls

ALPHABET = "23456789abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 9
BOT_RE = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|facebookexternalhit|embedly|mastodon|bluesky|"
    r"cardyb|whatsapp|telegram|discord|slack|skype|curl|wget|python|java/|go-http|okhttp|"
    r"headless|lighthouse|monitor|scan",
    re.IGNORECASE)


def short_url(code: str) -> str:
    return f"{settings.SITE_URL}/l/{code}"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def short_link_for(target, url: str) -> ShortLink:
    """The target's short link to `url`, made on first use: a retried publish gets the same
    code, so the text it sends is the same."""
    found = ShortLink.objects.filter(target=target, url=url).first()
    if found:
        return found
    post = target.post
    try:
        with transaction.atomic():
            return ShortLink.objects.create(organization_id=post.organization_id,
                                            code=new_code(), url=url, target=target,
                                            post=post, account_id=target.account_id,
                                            provider=target.account.provider)
    except IntegrityError:  # another worker made it meanwhile (a code clash would retry)
        found = ShortLink.objects.filter(target=target, url=url).first()
        if found is None:
            raise
        return found


def shorten_text(target, text: str) -> str:
    """`text` with each link replaced by the target's short link to it (own links kept)."""
    own = f"{settings.SITE_URL}/l/"

    def shorten(url: str) -> str:
        if url.startswith(own):
            return url
        return short_url(short_link_for(target, url).code)

    return replace_urls(text, shorten)


def counts_as_click(request) -> bool:
    """The bot rule (see the module's docstring)."""
    if request.method != "GET":
        return False
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    if "prefetch" in purpose.lower():
        return False
    agent = request.headers.get("User-Agent", "")
    return agent.startswith("Mozilla/") and not BOT_RE.search(agent)


def short_link_follow(code: str, request) -> str | None:
    """Where `code` leads (None: unknown or disabled); counts the click when it is one."""
    link = (ShortLink.objects.filter(code=code, enabled=True)
            .select_related("organization").only("url", "organization", "organization__timezone")
            .first())
    if link is None:
        return None
    if counts_as_click(request):
        _count(link)
    return link.url


def _count(link: ShortLink) -> None:
    day = timezone.now().astimezone(ZoneInfo(link.organization.timezone)).date()
    with transaction.atomic():
        ShortLink.objects.filter(pk=link.pk).update(clicks=F("clicks") + 1)
        updated = (ShortLinkDay.objects.filter(link_id=link.pk, day=day)
                   .update(clicks=F("clicks") + 1))
        if not updated:
            try:
                with transaction.atomic():
                    ShortLinkDay.objects.create(link_id=link.pk, day=day, clicks=1,
                                                organization_id=link.organization_id)
            except IntegrityError:  # the same day's first click arrived twice at once
                ShortLinkDay.objects.filter(link_id=link.pk, day=day).update(
                    clicks=F("clicks") + 1)


@transaction.atomic
def short_link_set_enabled(*, organization, actor, link_id: int, enabled: bool,
                           request=None) -> ShortLink:
    """Turn one of the organisation's links off (it answers 404) or on again; audited."""
    link = ShortLink.objects.for_org(organization).select_for_update().get(pk=link_id)
    if link.enabled != enabled:
        link.enabled = enabled
        link.save(update_fields=["enabled"])
        audit_record(organization=organization, actor=actor,
                     verb="analytics.link.enabled" if enabled else "analytics.link.disabled",
                     target=link, details={"code": link.code, "url": link.url[:200]},
                     request=request)
    return link
