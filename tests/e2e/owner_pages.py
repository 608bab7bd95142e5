"""The pages a signed-in owner can reach from the navigation, Settings sub-pages included,
with a small organisation behind them (an account, a scheduled post, a published post with
figures, an inbox item), for the German and the accessibility sweeps.

Content is German or neutral on purpose: the German sweep looks for English UI words, and a
post the user wrote in English is theirs, not ours.
"""

import datetime as dt

from django.utils import timezone

from accounts.roles import Role
from analytics.models import AccountMetricSnapshot
from tests.analytics.helpers import measure, published
from tests.factories import ConnectedAccountFactory, MembershipFactory, OrganizationFactory

ORG_PAGES = [
    "", "calendar/", "calendar/ical/", "queue/", "compose/", "import/", "approvals/",
    "media/", "notifications/", "snippets/", "inbox/", "analytics/", "analytics/settings/",
    "operations/", "settings/", "settings/members/", "settings/accounts/",
    "settings/approvals/", "settings/feeds/", "settings/audit/", "settings/system/",
    "settings/api/", "settings/webhooks/", "settings/assistant/", "inbox/settings/",
    "inbox/trends/", "inbox/alerts/", "analytics/links/",
]
ACCOUNT_PAGES = ["/preferences/", "/accounts/email/", "/accounts/password/change/",
                 "/accounts/2fa/", "/accounts/sessions/", "/organizations/new/"]


def owner_with_content(slug="acme"):
    """An owner of an organisation that has something on every page."""
    from content.services.posts import PostData, post_create
    from content.services.workflow import post_schedule
    from tests.inbox.factories import InboxItemFactory

    org = OrganizationFactory(slug=slug, name="Kaffeerösterei", timezone="Europe/Berlin")
    owner = MembershipFactory(organization=org, role=Role.OWNER).user
    account = ConnectedAccountFactory(organization=org, display_name="Rösterei",
                                      handle="@roesterei")
    now = timezone.now()
    post = post_create(organization=org, actor=owner, data=PostData(
        text="Neue Bohnen aus Kolumbien ☕", account_ids=[account.pk]))
    post_schedule(post=post, actor=owner, scheduled_at=now + dt.timedelta(days=2))
    target = published(account, now - dt.timedelta(days=1), text="Herbstmischung ist da")
    measure(target, likes=12, reposts=3)
    AccountMetricSnapshot.objects.create(
        organization=org, account=account, metric="followers", value=420,
        source_field="followers_count", fetched_at=now, day=now.date())
    InboxItemFactory(organization=org, account=account, text="Wann öffnet der Laden?",
                     author_name="Jana Krüger")
    return org, owner


def org_paths(slug="acme"):
    return [f"/o/{slug}/{p}" for p in ORG_PAGES] + ACCOUNT_PAGES


def detail_paths(org) -> list[str]:
    """The pages of one thing: the scheduled and the published post, the conversation."""
    from content.models import Post
    from inbox.models import InboxItem

    posts = [f"/o/{org.slug}/posts/{pk}/" for pk in
             Post.objects.filter(organization=org).values_list("pk", flat=True)]
    items = [f"/o/{org.slug}/inbox/{pk}/" for pk in
             InboxItem.objects.filter(organization=org).values_list("pk", flat=True)]
    return posts + items
