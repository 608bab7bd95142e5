"""The MCP tools. Each one names the REST action whose role cap it shares (the viewsets'
`perms` maps are the one table) and runs through `calls.call`; the work is in `actions`."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context, MCPServer
from mcp_types import ToolAnnotations
from pydantic import BaseModel, Field

from api.serializers.analytics import SummaryQuerySerializer
from api.serializers.inbox import InboxFilterSerializer
from api.serializers.posts import PostFilterSerializer
from api.views.accounts import ConnectedAccountViewSet
from api.views.analytics import AnalyticsViewSet
from api.views.inbox import InboxItemViewSet
from api.views.posts import PostViewSet
from mcp_server import actions
from mcp_server.calls import PrincipalSource, call

INSTRUCTIONS = (
    "socialmgr: social media management for one organisation (the API token's). Read the "
    "connected accounts first: posts go to accounts by id, each network with its own text "
    "limits. Drafts you create are drafts: where the organisation requires approval, submit "
    "them for approval instead of scheduling; people approve. Inbox replies go through the "
    "same reply states as in the app (they may wait for approval). Another organisation's "
    "ids are not found."
)



def _choices(serializer_class, name: str):
    """The values the REST API's filter accepts, as a Literal: the schema lists them."""
    return Literal[tuple(serializer_class().fields[name].choices)]  # type: ignore[valid-type]


PostStatus = _choices(PostFilterSerializer, "status")
InboxStatus = _choices(InboxFilterSerializer, "status")
InboxKind = _choices(InboxFilterSerializer, "kind")
SentimentFilter = _choices(InboxFilterSerializer, "sentiment")
Range = _choices(SummaryQuerySerializer, "range")

# A JSON object: the SDK sends it as the call's structured content (and as text).
Result = dict[str, Any]
Limit = Annotated[int, Field(ge=1, le=actions.MAX_LIMIT, description="Rows per page.")]
Offset = Annotated[int, Field(ge=0, description="Rows to skip (`next_offset` of the "
                                                "previous page).")]
DateArg = Annotated[str | None, Field(description="YYYY-MM-DD, with range `custom`.")]
AccountIds = Annotated[list[int] | None, Field(description="Only these account ids.")]

READ = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)
# Goes out to a social network (now or once scheduled / approved).
OUTWARD = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=True)


class TargetText(BaseModel):
    account: int = Field(description="Connected account id (from list_accounts).")
    text: str = Field("", description="Text for this account; empty uses the shared text.")


def build_server(source: PrincipalSource) -> MCPServer:
    """The tools, for callers that `source(ctx)` turns into a token's principal."""
    server = MCPServer("socialmgr", instructions=INSTRUCTIONS)
    posts, inbox = PostViewSet.perms, InboxItemViewSet.perms

    @server.tool(annotations=READ)
    async def list_accounts(ctx: Context) -> Result:
        """The connected accounts the token may use: id, network (`provider`), handle,
        status, and the network's limits for a post (`max_chars`, how characters are
        counted, media)."""
        return await call(source, ctx, ConnectedAccountViewSet.perms["list"],
                          actions.list_accounts)

    @server.tool(annotations=READ)
    async def list_posts(ctx: Context, status: PostStatus | None = None,
                         account_id: int | None = None, limit: Limit = 20,
                         offset: Offset = 0) -> Result:
        """Posts, newest first, with their per-account targets and what they allow now
        (`actions`)."""
        return await call(source, ctx, posts["list"], lambda p: actions.list_posts(
            p, status=status, account_id=account_id, limit=limit, offset=offset))

    @server.tool(annotations=READ)
    async def get_post(ctx: Context, post_id: int) -> Result:
        """One post with its targets (per-account text, status, links once published)."""
        return await call(source, ctx, posts["retrieve"],
                          lambda p: actions.get_post(p, post_id=post_id))

    @server.tool(annotations=WRITE)
    async def create_draft(
            ctx: Context,
            accounts: Annotated[list[TargetText], Field(
                min_length=1, description="One entry per account to post to, optionally "
                                          "with its own text.")],
            text: Annotated[str, Field(description="The shared text.")] = "",
            title: Annotated[str, Field(description="Internal title.")] = "",
            link_url: str = "",
            notes: Annotated[str, Field(description="Internal notes.")] = "",
            scheduled_at: Annotated[str | None, Field(
                description="Planned time, ISO 8601 with offset. Scheduling itself is "
                            "schedule_post.")] = None,
            timezone: Annotated[str, Field(description="IANA zone; empty: the "
                                                       "organisation's.")] = "") -> Result:
        """Create a draft. It is not published: submit it for approval (submit_post) or
        schedule it (schedule_post). `problems` lists what would stop that (a text over a
        network's limit …); fix those first."""
        targets = [t.model_dump() for t in accounts]
        return await call(source, ctx, posts["create"], lambda p: actions.create_draft(
            p, text=text, accounts=targets, title=title, link_url=link_url,
            scheduled_at=scheduled_at, timezone=timezone, notes=notes))

    @server.tool(annotations=WRITE)
    async def submit_post(ctx: Context, post_id: int) -> Result:
        """Submit a draft (or a post with changes requested) for approval; the approvers
        are notified. Approving is for people."""
        return await call(source, ctx, posts["submit"],
                          lambda p: actions.submit_post(p, post_id=post_id))

    @server.tool(annotations=OUTWARD)
    async def schedule_post(
            ctx: Context, post_id: int,
            scheduled_at: Annotated[str | None, Field(
                description="ISO 8601 with offset; default: the post's planned time.")] = None,
            now: Annotated[bool, Field(description="Publish as soon as possible "
                                                   "(needs a role that may publish).")] = False,
    ) -> Result:
        """Schedule a post. Where the organisation requires approval, only approved posts
        can be scheduled: submit the draft instead."""
        return await call(source, ctx, posts["schedule"], lambda p: actions.schedule_post(
            p, post_id=post_id, scheduled_at=scheduled_at, now=now))

    @server.tool(annotations=READ)
    async def list_inbox(ctx: Context, status: InboxStatus = "open",
                         account_id: int | None = None, kind: InboxKind | None = None,
                         sentiment: SentimentFilter | None = None,
                         q: Annotated[str | None, Field(description="Full-text search.")] = None,
                         limit: Limit = 20, offset: Offset = 0) -> Result:
        """Inbox items (comments, mentions, replies, direct messages, listening hits),
        newest first. `open` (the default) leaves out snoozed items; `all` is every
        status."""
        return await call(source, ctx, inbox["list"], lambda p: actions.list_inbox(
            p, status=status, account_id=account_id, kind=kind, sentiment=sentiment, q=q,
            limit=limit, offset=offset))

    @server.tool(annotations=READ)
    async def get_conversation(ctx: Context, item_id: int) -> Result:
        """One inbox item with its conversation: what it answers (`ancestors`), other
        answers to the same message (`siblings`), answers to it, and our replies."""
        return await call(source, ctx, inbox["retrieve"],
                          lambda p: actions.get_conversation(p, item_id=item_id))

    @server.tool(annotations=OUTWARD)
    async def reply_to_item(ctx: Context, item_id: int,
                            text: Annotated[str, Field(min_length=1, max_length=10000)]) -> Result:
        """Reply on the network. The reply is sent by a worker (`status: sending`) or waits
        for approval where the organisation requires it (`pending_approval`)."""
        return await call(source, ctx, inbox["reply"],
                          lambda p: actions.reply_to_item(p, item_id=item_id, text=text))

    @server.tool(annotations=WRITE)
    async def mark_done(ctx: Context, item_id: int) -> Result:
        """Mark an inbox item done."""
        return await call(source, ctx, inbox["done"],
                          lambda p: actions.mark_done(p, item_id=item_id))

    @server.tool(annotations=READ)
    async def analytics_summary(ctx: Context, range: Range = "28", start: DateArg = None,
                                end: DateArg = None, account_ids: AccountIds = None) -> Result:
        """Totals of the posts published in the period and the one before (impressions,
        engagements, engagement rate …), follower growth, and the same per account."""
        return await call(source, ctx, AnalyticsViewSet.perms["summary"],
                          lambda p: actions.analytics_summary_for(
                              p, range_=range, start=start, end=end, account_ids=account_ids))

    @server.tool(annotations=READ)
    async def top_posts(ctx: Context, range: Range = "28", start: DateArg = None,
                        end: DateArg = None, account_ids: AccountIds = None,
                        limit: Annotated[int, Field(ge=1, le=50)] = 5,
                        order: Literal["best", "worst"] = "best") -> Result:
        """The period's published posts with the most (or fewest) engagements."""
        return await call(source, ctx, AnalyticsViewSet.perms["summary"],
                          lambda p: actions.top_posts(
                              p, range_=range, start=start, end=end, account_ids=account_ids,
                              limit=limit, order=order))

    return server
