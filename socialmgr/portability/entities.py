"""What an organisation export holds: one entry per table, parents before children.

The archive is a zip:

    manifest.json            format, format_version, exported_at, organization, entities
    entities/<name>.json     a JSON list of rows, one object per row
    media/<storage name>     the files of media assets and their renditions

A row holds the model's fields by name, its old `id`, foreign keys as the old id of
the row they point at, people as their email address (never passwords, sessions, MFA
or API tokens), many-to-many fields as lists, files as their storage name. What is
secret or bound to one installation is left out: platform tokens (accounts must be
reconnected), API tokens, webhooks and their secrets, client review links, calendar
feed tokens, invitations, notifications, the audit log, poll cursors and schedules.
"""

from dataclasses import dataclass, field

from content.workflows import TargetState

FORMAT = "socialmgr-organization-export"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Entity:
    name: str  # entities/<name>.json
    model: str  # app_label.ModelName
    org_path: str  # lookup from a row to its organisation
    exclude: frozenset[str] = field(default_factory=frozenset)  # never exported


ENTITIES: tuple[Entity, ...] = (
    Entity("memberships", "accounts.Membership", "organization"),
    Entity("connected_accounts", "accounts.ConnectedAccount", "organization",
           frozenset({"access_token_encrypted", "refresh_token_encrypted", "token_expires_at",
                      "expiry_reminder_days"})),
    Entity("account_access", "accounts.AccountAccess", "account__organization"),
    Entity("labels", "content.Label", "organization"),
    Entity("snippets", "content.Snippet", "organization"),
    Entity("approval_steps", "content.ApprovalStep", "organization"),
    Entity("media_assets", "content.MediaAsset", "organization"),
    Entity("media_renditions", "content.MediaRendition", "asset__organization"),
    Entity("posts", "content.Post", "organization"),
    Entity("post_targets", "content.PostTarget", "post__organization",
           frozenset({"lease_expires_at"})),
    Entity("post_target_media", "content.PostTargetMedia", "target__post__organization"),
    Entity("post_comments", "content.PostComment", "post__organization"),
    Entity("post_approvals", "content.PostApproval", "post__organization",
           frozenset({"review_link"})),
    Entity("queue_slots", "content.QueueSlot", "organization"),
    Entity("recurrence_rules", "content.RecurrenceRule", "organization"),
    Entity("recurrence_occurrences", "content.RecurrenceOccurrence", "rule__organization"),
    Entity("inbox_items", "inbox.InboxItem", "organization"),
    Entity("inbox_notes", "inbox.InboxNote", "item__organization"),
    Entity("inbox_replies", "inbox.InboxReply", "item__organization"),
    Entity("saved_replies", "inbox.SavedReply", "organization"),
    Entity("saved_searches", "inbox.SavedSearch", "organization"),
    Entity("inbox_settings", "inbox.InboxSettings", "organization"),
    Entity("automation_rules", "inbox.AutomationRule", "organization"),
    Entity("account_metric_snapshots", "analytics.AccountMetricSnapshot", "organization"),
    Entity("post_metric_snapshots", "analytics.PostMetricSnapshot", "organization"),
    Entity("target_metrics", "analytics.TargetMetrics", "organization"),
    Entity("analytics_settings", "analytics.AnalyticsSettings", "organization"),
)

# Organisation fields carried over (its slug and name may be changed on import).
ORGANIZATION_FIELDS = ("name", "slug", "timezone", "language", "approval_required", "created_at")
# People: what an archive says about each member. No password, no login data.
USER_FIELDS = ("email", "first_name", "last_name", "language", "timezone")
# Posts that were on their way out wait for the imported accounts to be reconnected.
TARGETS_THAT_WAIT = (TargetState.SCHEDULED, TargetState.PUBLISHING)
