"""Own short links: codes, the public redirect, the bot rule, counting, stats, switching off."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import Role
from analytics.models import ShortLink, ShortLinkDay
from analytics.services.links import (
    ALPHABET,
    CODE_LENGTH,
    short_link_for,
    shorten_text,
)
from tests.analytics.helpers import measure, published
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/131.0 Safari/537.36")


def _follow(client, code, agent=BROWSER, **headers):
    return client.get(f"/l/{code}", HTTP_USER_AGENT=agent, **headers)


def test_a_target_gets_one_unguessable_code_per_url(account):
    target = published(account, timezone.now())
    first = short_link_for(target, "https://shop.example/a")
    assert short_link_for(target, "https://shop.example/a") == first  # a retry: same code
    other = short_link_for(target, "https://shop.example/b")
    assert other.code != first.code
    assert len(first.code) == CODE_LENGTH and set(first.code) <= set(ALPHABET)
    assert (first.organization, first.post, first.account, first.provider) == (
        account.organization, target.post, account, "sandbox")


def test_shorten_text_replaces_links_and_keeps_punctuation_and_own_links(account):
    target = published(account, timezone.now())
    own = f"{settings.SITE_URL}/l/abc"
    text = shorten_text(target, f"See https://shop.example/beans?x=1. And {own}!")
    code = ShortLink.objects.get(url="https://shop.example/beans?x=1").code
    assert text == f"See {settings.SITE_URL}/l/{code}. And {own}!"


def test_a_browser_is_redirected_and_counted_per_day_without_cookies(client, account):
    link = short_link_for(published(account, timezone.now()), "https://shop.example/a?utm_x=1")
    response = _follow(client, link.code)
    assert response.status_code == 302
    assert response["Location"] == "https://shop.example/a?utm_x=1"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    _follow(client, link.code)
    link.refresh_from_db()
    assert link.clicks == 2
    (day,) = ShortLinkDay.objects.filter(link=link)
    assert day.clicks == 2


@pytest.mark.parametrize("agent, headers", [
    ("Mastodon/4.3.1 (http.rb/5.2.0; +https://social.example/)", {}),
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", {}),
    ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", {}),
    ("Mozilla/5.0 (Macintosh) AppleWebKit/605.1.15 (KHTML, like Gecko) Slackbot", {}),
    ("curl/8.5.0", {}),
    ("", {}),
    (BROWSER, {"HTTP_SEC_PURPOSE": "prefetch;prerender"}),
])
def test_bots_previews_and_prefetches_are_redirected_but_not_counted(client, account, agent,
                                                                     headers):
    link = short_link_for(published(account, timezone.now()), "https://shop.example/a")
    assert _follow(client, link.code, agent, **headers).status_code == 302
    link.refresh_from_db()
    assert link.clicks == 0 and not ShortLinkDay.objects.exists()


def test_head_is_redirected_but_not_counted(client, account):
    link = short_link_for(published(account, timezone.now()), "https://shop.example/a")
    assert client.head(f"/l/{link.code}", HTTP_USER_AGENT=BROWSER).status_code == 302
    link.refresh_from_db()
    assert link.clicks == 0


def test_unknown_and_disabled_codes_are_a_clean_404(client, account):
    link = short_link_for(published(account, timezone.now()), "https://shop.example/a")
    assert _follow(client, "nosuchcode").status_code == 404
    ShortLink.objects.filter(pk=link.pk).update(enabled=False)
    response = _follow(client, link.code)
    assert response.status_code == 404 and "shop.example" not in response.content.decode()
    assert ShortLink.objects.get(pk=link.pk).clicks == 0


def test_clicks_are_counted_on_the_organisations_day(client, org, account):
    org.timezone = "Pacific/Kiritimati"  # UTC+14: its day is usually a day ahead of UTC
    org.save()
    link = short_link_for(published(account, timezone.now()), "https://shop.example/a")
    _follow(client, link.code)
    expected = timezone.now().astimezone(dt.timezone(dt.timedelta(hours=14))).date()
    assert ShortLinkDay.objects.get(link=link).day == expected


def test_dashboard_card_shows_clicks_ctr_and_top_links(client, org, owner, account, login):
    target = published(account, timezone.now() - dt.timedelta(hours=2), text="Beans")
    measure(target, impressions=200, likes=3)
    link = short_link_for(target, "https://shop.example/beans")
    for _ in range(5):
        _follow(client, link.code)
    html = login(owner).get(f"/o/{org.slug}/analytics/").content.decode()
    card = html.split('data-testid="short-links"')[1].split("</section>")[0]
    assert ">5</span> <span>clicks in this period" in card
    assert "2.5 %" in card  # 5 clicks ÷ 200 impressions
    assert "https://shop.example/beans" in card
    response = login(owner).get(f"/o/{org.slug}/analytics/export/links.csv")
    csv = b"".join(response.streaming_content).decode()
    assert f"{settings.SITE_URL}/l/{link.code},https://shop.example/beans,Sandbox" in csv
    assert ",5,5,True" in csv


def test_dashboard_has_no_card_without_short_links(org, owner, account, login):
    published(account, timezone.now())
    html = login(owner).get(f"/o/{org.slug}/analytics/").content.decode()
    assert 'data-testid="short-links"' not in html


def test_pdf_report_includes_short_link_clicks(client, org, owner, account, login):
    link = short_link_for(published(account, timezone.now()), "https://shop.example/a")
    _follow(client, link.code)
    response = login(owner).get(f"/o/{org.slug}/analytics/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


def test_an_approver_disables_a_link_and_it_is_audited(client, org, account, login):
    approver = MembershipFactory(organization=org, role=Role.APPROVER).user
    link = short_link_for(published(account, timezone.now()), "https://shop.example/a")
    page = login(approver).get(f"/o/{org.slug}/analytics/links/").content.decode()
    assert link.code in page and "Disable" in page
    response = login(approver).post(f"/o/{org.slug}/analytics/links/{link.pk}/switch/",
                                    {"enabled": "0"})
    assert response.status_code == 302
    assert _follow(client, link.code).status_code == 404
    entry = AuditEntry.objects.get(verb="analytics.link.disabled")
    assert entry.details["code"] == link.code
    login(approver).post(f"/o/{org.slug}/analytics/links/{link.pk}/switch/", {"enabled": "1"})
    assert _follow(client, link.code).status_code == 302


def test_an_editor_sees_links_but_cannot_switch_them(org, account, login):
    editor = MembershipFactory(organization=org, role=Role.EDITOR).user
    link = short_link_for(published(account, timezone.now()), "https://shop.example/a")
    page = login(editor).get(f"/o/{org.slug}/analytics/links/").content.decode()
    assert link.code in page and "Disable" not in page
    response = login(editor).post(f"/o/{org.slug}/analytics/links/{link.pk}/switch/",
                                  {"enabled": "0"})
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.enabled


def test_another_organisations_link_is_a_404(org, owner, login):
    other = OrganizationFactory()
    theirs = short_link_for(published(ConnectedAccountFactory(organization=other),
                                      timezone.now()), "https://other.example/")
    response = login(owner).post(f"/o/{org.slug}/analytics/links/{theirs.pk}/switch/",
                                 {"enabled": "0"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.enabled
    page = login(owner).get(f"/o/{org.slug}/analytics/links/").content.decode()
    assert theirs.code not in page


def test_settings_turn_shortening_on_and_the_preview_says_so(org, owner, login):
    from analytics.utm import link_rules

    client = login(owner)
    client.post(f"/o/{org.slug}/analytics/settings/", {"shorten_links": "on"})
    assert link_rules(org).shorten and not link_rules(org).utm
    preview = client.get(f"/o/{org.slug}/analytics/utm-preview/",
                         {"text": "Read https://blog.example/post"}).content.decode()
    assert "short link" in preview and "https://blog.example/post" in preview
