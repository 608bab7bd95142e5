"""A sandbox account shaped like another network says so next to its handle."""

import pytest
from django.utils import translation

from tests.factories import ConnectedAccountFactory

pytestmark = pytest.mark.django_db


def test_the_accounts_page_names_the_network_a_sandbox_account_is_shaped_like(login, owner,
                                                                              org):
    ConnectedAccountFactory(organization=org, provider="sandbox", handle="@sky",
                            settings={"shape": {"key": "bluesky"}})
    ConnectedAccountFactory(organization=org, provider="sandbox", handle="@plain")
    client = login(owner)
    html = client.get(f"/o/{org.slug}/settings/accounts/").content.decode()
    assert "Sandbox (like Bluesky) · @sky" in html
    assert "Sandbox · @plain" in html
    with translation.override("de"):
        html = client.get(f"/o/{org.slug}/settings/accounts/",
                          HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Sandbox (wie Bluesky) · @sky" in html


@pytest.fixture
def shaped(org):
    return [ConnectedAccountFactory(organization=org, provider="sandbox", handle="@sky",
                                    settings={"shape": {"key": "bluesky"}}),
            ConnectedAccountFactory(organization=org, provider="sandbox", handle="@toot",
                                    settings={"shape": {"key": "mastodon"}})]


def test_composer_inbox_and_calendar_name_each_accounts_own_network(login, owner, org, shaped):
    import datetime as dt

    from django.utils import timezone

    from content.models import Post, PostTarget
    from tests.inbox.factories import InboxItemFactory

    client = login(owner)
    html = client.get(f"/o/{org.slug}/compose/").content.decode()
    assert 'data-platform="Sandbox (like Bluesky)"' in html
    assert "@toot · Sandbox (like Mastodon)" in html

    InboxItemFactory(organization=org, account=shaped[0])
    html = client.get(f"/o/{org.slug}/inbox/").content.decode()
    assert 'alt="Sandbox (like Bluesky)"' in html or 'aria-label="Sandbox (like Bluesky)"' in html
    # Both accounts are on the sandbox: the filter groups them under its name.
    assert '<option value="sandbox">Sandbox</option>' in html

    when = timezone.now() + dt.timedelta(days=1)
    post = Post.objects.create(organization=org, author=owner, text="Hi", status="scheduled",
                               scheduled_at=when, timezone=org.timezone)
    PostTarget.objects.create(post=post, account=shaped[1], status="scheduled")
    feed = client.get(f"/o/{org.slug}/calendar/feed/", {
        "start": (when - dt.timedelta(days=2)).isoformat(),
        "end": (when + dt.timedelta(days=2)).isoformat()}).json()
    (target,) = feed[0]["extendedProps"]["targets"]
    assert target["platform"] == "sandbox"  # the key stays for grouping and icons
    assert target["platformName"] == "Sandbox (like Mastodon)"

    with translation.override("de"):
        html = client.get(f"/o/{org.slug}/compose/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "@sky · Sandbox (wie Bluesky)" in html
