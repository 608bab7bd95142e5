"""Each tool through the SDK's client over streamable HTTP: the REST API's rules apply."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.roles import Role
from content.models import Post
from content.services.posts import PostData, post_create
from inbox.models import InboxReply, InboxSettings, ItemStatus
from tests.analytics.helpers import measure, published
from tests.factories import MembershipFactory
from tests.inbox.factories import InboxItemFactory
from tests.mcp_server.conftest import ToolFailed

pytestmark = pytest.mark.django_db

TOOLS = {"list_accounts", "list_posts", "get_post", "create_draft", "schedule_post",
         "submit_post", "list_inbox", "get_conversation", "reply_to_item", "mark_done",
         "analytics_summary", "top_posts"}


def _later(days=2):
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0).isoformat()


def test_the_tool_list_has_typed_arguments(org, agent):
    tools = {tool.name: tool for tool in agent(org, Role.VIEWER).tools()}
    assert set(tools) == TOOLS
    inbox = tools["list_inbox"].input_schema["properties"]
    assert "negative" in str(inbox["sentiment"]) and "mention" in str(inbox["kind"])
    draft = tools["create_draft"].input_schema
    assert draft["required"] == ["accounts"]
    assert tools["list_posts"].annotations.read_only_hint is True


def test_list_accounts_with_their_limits(org, agent, account):
    raw = agent(org, Role.VIEWER).raw("list_accounts")
    data = raw.structured_content  # structured, and the same JSON as text
    assert data == json.loads(raw.content[0].text)
    assert [a["id"] for a in data["accounts"]] == [account.pk]
    first = data["accounts"][0]
    assert first["provider"] == "sandbox" and first["limits"]["max_chars"] == 500


def test_create_a_draft_with_per_network_texts_then_read_it(org, agent, account):
    from tests.factories import ConnectedAccountFactory

    second = ConnectedAccountFactory(organization=org)
    editor = agent(org, Role.EDITOR)
    post = editor.call("create_draft", text="Shared text", title="Launch", accounts=[
        {"account": account.pk, "text": "Only for the first"}, {"account": second.pk}])
    assert post["status"] == "draft" and post["title"] == "Launch"
    texts = {t["account"]: t["effective_text"] for t in post["targets"]}
    assert texts == {account.pk: "Only for the first", second.pk: "Shared text"}
    assert editor.call("get_post", post_id=post["id"])["id"] == post["id"]
    listed = editor.call("list_posts", status="draft")
    assert [p["id"] for p in listed["posts"]] == [post["id"]] and listed["next_offset"] is None
    assert editor.call("list_posts", status="scheduled")["posts"] == []
    entry = AuditEntry.objects.get(verb="content.post.created", target_id=str(post["id"]))
    assert entry.organization == org


def test_a_too_long_text_is_named_and_cannot_be_submitted(org, agent, account):
    editor = agent(org, Role.EDITOR)
    draft = editor.call("create_draft", text="x" * 501, accounts=[{"account": account.pk}])
    assert [(p["account"], p["code"]) for p in draft["problems"]] == [(account.pk, "too_long")]
    with pytest.raises(ToolFailed, match=account.handle):
        editor.call("submit_post", post_id=draft["id"])
    assert Post.objects.get(pk=draft["id"]).status == "draft"
    fine = editor.call("create_draft", text="Short", accounts=[{"account": account.pk}])
    assert fine["problems"] == []


def test_bad_arguments_are_explained(org, agent, account):
    editor = agent(org, Role.EDITOR)
    with pytest.raises(ToolFailed, match="timezone"):
        editor.call("create_draft", text="Hi", timezone="Mars/Base",
                    accounts=[{"account": account.pk}])
    with pytest.raises(ToolFailed, match="status"):
        editor.call("list_posts", status="published-ish")


def test_a_viewer_token_cannot_create_drafts(org, agent, account):
    with pytest.raises(ToolFailed, match="permission"):
        agent(org, Role.VIEWER).call("create_draft", text="Hi",
                                     accounts=[{"account": account.pk}])
    assert not Post.objects.filter(organization=org).exists()


def test_an_editors_draft_goes_to_approval_and_cannot_be_scheduled_past_it(org, agent,
                                                                          account):
    org.approval_required = True
    org.save(update_fields=["approval_required"])
    editor = agent(org, Role.EDITOR)
    post = editor.call("create_draft", text="Needs a yes", scheduled_at=_later(),
                       accounts=[{"account": account.pk}])
    with pytest.raises(ToolFailed, match=r"(?i)approv"):
        editor.call("schedule_post", post_id=post["id"])
    assert Post.objects.get(pk=post["id"]).status == "draft"
    submitted = editor.call("submit_post", post_id=post["id"])
    assert submitted["status"] == "pending_approval"
    assert "approve" not in {t.name for t in editor.tools()}
    assert AuditEntry.objects.filter(verb="content.post.submitted",
                                     target_id=str(post["id"])).exists()


def test_scheduling_where_no_approval_is_required(org, agent, account):
    editor = agent(org, Role.EDITOR)
    post = editor.call("create_draft", text="Go", accounts=[{"account": account.pk}])
    scheduled = editor.call("schedule_post", post_id=post["id"], scheduled_at=_later(3))
    assert scheduled["status"] == "scheduled"
    assert {t["status"] for t in scheduled["targets"]} == {"scheduled"}


def test_another_organisations_post_is_not_found(org, other_org, agent, other_account):
    author = MembershipFactory(organization=other_org, role=Role.OWNER).user
    theirs = post_create(organization=other_org, actor=author,
                         data=PostData(text="Theirs", account_ids=[other_account.pk]))
    ours = agent(org, Role.OWNER)
    for tool in ("get_post", "submit_post", "schedule_post"):
        with pytest.raises(ToolFailed, match="Not found"):
            ours.call(tool, post_id=theirs.pk)
    assert Post.objects.get(pk=theirs.pk).status == "draft"


def test_read_the_inbox_with_filters(org, agent, account):
    angry = InboxItemFactory(organization=org, account=account, kind="mention",
                             sentiment="negative", text="Broken again")
    InboxItemFactory(organization=org, account=account, sentiment="positive")
    InboxItemFactory(organization=org, account=account, status=ItemStatus.DONE)
    viewer = agent(org, Role.VIEWER)
    assert len(viewer.call("list_inbox")["items"]) == 2
    assert len(viewer.call("list_inbox", status="all")["items"]) == 3
    negative = viewer.call("list_inbox", sentiment="negative", account_id=account.pk)
    assert [i["id"] for i in negative["items"]] == [angry.pk]
    assert [i["id"] for i in viewer.call("list_inbox", kind="mention")["items"]] == [angry.pk]
    page = viewer.call("list_inbox", status="all", limit=2)
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    assert len(viewer.call("list_inbox", status="all", limit=2, offset=2)["items"]) == 1


def test_read_a_conversation(org, agent, account):
    question = InboxItemFactory(organization=org, account=account, text="When?")
    answer = InboxItemFactory(organization=org, account=account, parent=question,
                              parent_remote_id=question.remote_id, text="Sunday")
    data = agent(org, Role.VIEWER).call("get_conversation", item_id=answer.pk)
    assert data["item"]["id"] == answer.pk
    assert [i["id"] for i in data["ancestors"]] == [question.pk]
    assert data["our_replies"] == []
    around = agent(org, Role.VIEWER).call("get_conversation", item_id=question.pk)
    assert [i["id"] for i in around["answers"]] == [answer.pk]


def test_reply_goes_through_the_reply_service_and_its_states(org, agent, account):
    item = InboxItemFactory(organization=org, account=account)
    reply = agent(org, Role.EDITOR).call("reply_to_item", item_id=item.pk, text="Thanks!")
    stored = InboxReply.objects.get(pk=reply["id"])
    assert stored.item == item and stored.text == "Thanks!"
    assert AuditEntry.objects.filter(verb__startswith="inbox.reply.",
                                     target_id=str(item.pk)).exists()
    InboxSettings.objects.update_or_create(organization=org,
                                           defaults={"replies_require_approval": True})
    waiting = agent(org, Role.EDITOR).call("reply_to_item", item_id=item.pk, text="Later")
    assert waiting["status"] == "pending_approval"
    seen = agent(org, Role.VIEWER).call("get_conversation", item_id=item.pk)
    assert [r["text"] for r in seen["our_replies"]][-1] == "Later"


def test_a_viewer_cannot_reply_or_mark_done(org, agent, account):
    item = InboxItemFactory(organization=org, account=account)
    viewer = agent(org, Role.VIEWER)
    with pytest.raises(ToolFailed, match="permission"):
        viewer.call("reply_to_item", item_id=item.pk, text="hi")
    with pytest.raises(ToolFailed, match="permission"):
        viewer.call("mark_done", item_id=item.pk)
    assert not InboxReply.objects.exists()


def test_mark_done_is_audited(org, agent, account):
    item = InboxItemFactory(organization=org, account=account)
    done = agent(org, Role.EDITOR).call("mark_done", item_id=item.pk)
    assert done["status"] == "done"
    assert AuditEntry.objects.filter(verb="inbox.item.done", organization=org,
                                     details__items=[item.pk]).exists()


def test_another_organisations_inbox_item_is_not_found(org, other_org, agent, other_account):
    theirs = InboxItemFactory(organization=other_org, account=other_account)
    ours = agent(org, Role.OWNER)
    with pytest.raises(ToolFailed, match="Not found"):
        ours.call("get_conversation", item_id=theirs.pk)
    with pytest.raises(ToolFailed, match="Not found"):
        ours.call("reply_to_item", item_id=theirs.pk, text="Hi")
    with pytest.raises(ToolFailed, match="Not found"):
        ours.call("mark_done", item_id=theirs.pk)
    theirs.refresh_from_db()
    assert theirs.status == ItemStatus.OPEN and not InboxReply.objects.exists()
    assert ours.call("list_inbox", status="all")["items"] == []


def test_analytics_summary_and_top_posts(org, agent, account, other_account):
    yesterday = timezone.now() - dt.timedelta(days=1)
    best = published(account, yesterday, text="The winner")
    measure(best, impressions=1000, likes=90, replies=10)
    measure(published(account, yesterday, text="Quiet"), impressions=500, likes=1)
    measure(published(other_account, yesterday), impressions=10**6, likes=10**5)
    viewer = agent(org, Role.VIEWER)
    summary = viewer.call("analytics_summary", range="7")
    assert summary["totals"]["posts"] == 2 and summary["totals"]["impressions"] == 1500
    assert [a["account"] for a in summary["accounts"]] == [account.pk]
    top = viewer.call("top_posts", range="7", limit=1)
    assert [p["text"] for p in top["posts"]] == ["The winner"]
    assert top["posts"][0]["likes"] == 90 and top["posts"][0]["engagement_rate"] == 10.0
    with pytest.raises(ToolFailed, match="account"):
        viewer.call("analytics_summary", account_ids=[other_account.pk])
    with pytest.raises(ToolFailed, match="start"):
        viewer.call("analytics_summary", range="custom")


def test_the_audit_log_says_an_agent_made_the_change(org, agent, account, issue_token, api):
    from accounts.audit_text import describe

    post = agent(org, Role.EDITOR).call("create_draft", text="By the agent",
                                        accounts=[{"account": account.pk}])
    entry = AuditEntry.objects.get(verb="content.post.created", target_id=str(post["id"]))
    assert entry.details["via"]["channel"] == "mcp" and entry.details["via"]["token"] == "ci"
    assert describe(entry).endswith("Made by an AI agent (MCP) with the token “ci”.")
    # The REST API marks its own entries the same way.
    rest = api(issue_token(org, Role.EDITOR)).post(
        "/api/v1/posts/", {"text": "By a program", "targets": [{"account": account.pk}]},
        format="json")
    entry = AuditEntry.objects.get(verb="content.post.created",
                                   target_id=str(rest.json()["id"]))
    assert entry.details["via"]["channel"] == "api"
    assert "Made through the API" in describe(entry)
