"""Posts and their per-account targets. Writes become `PostData` for the content services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.common import IdField, PlatformUrlField, TextField, WebUrlField
from content.models import Label, Post, PostTarget, PostTargetMedia
from content.services.posts import PostData
from content.workflows import DELIVERY_LABELS, PHASE_LABELS, POST, TARGET
from lib.timezones import timezone_names


class LabelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Label
        fields = ["id", "name", "colour"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="asset_id", read_only=True,
                                  help_text="Media asset id.")

    class Meta:
        model = PostTargetMedia
        fields = ["id", "alt_text", "position"]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=TARGET.choices, read_only=True)
    effective_text = serializers.CharField(read_only=True,
                                           help_text="The override, else the post's text.")
    media = AttachmentSerializer(source="attachments", many=True, read_only=True)
    remote_url = PlatformUrlField()

    class Meta:
        model = PostTarget
        fields = ["id", "post", "account", "text", "effective_text", "status", "attempts",
                  "next_attempt_at", "published_at", "remote_id", "remote_url", "last_error",
                  "media", "updated_at"]
        read_only_fields = fields


class PostSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=POST.choices, read_only=True)
    delivery_status = serializers.ChoiceField(
        choices=[("", "—"), *DELIVERY_LABELS.items()], read_only=True,
        help_text="Derived from the targets: empty until something was attempted.")
    is_overdue = serializers.BooleanField(read_only=True)
    phase = serializers.ChoiceField(
        choices=list(PHASE_LABELS.items()), read_only=True,
        help_text="The post's state as people see it: its status combined with its targets' "
                  "(a scheduled post whose networks all published is `published`).")
    actions = serializers.SerializerMethodField(
        help_text="What the phase allows now (e.g. `publish_now`, `retry_target`); "
                  "permissions are checked on top.")
    labels = LabelSerializer(many=True, read_only=True)
    targets = TargetSerializer(many=True, read_only=True)
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    link_url = serializers.CharField(read_only=True, help_text="A URL, or empty.")

    class Meta:
        model = Post
        fields = ["id", "title", "text", "status", "delivery_status", "phase", "actions",
                  "is_overdue", "scheduled_at", "timezone", "link_url", "notes", "labels",
                  "targets", "version", "author", "created_at", "updated_at"]
        read_only_fields = fields


    def get_actions(self, post) -> list[str]:
        return sorted(post.actions)


class TargetInputSerializer(serializers.Serializer):
    account = IdField(help_text="Connected account id.")
    text = TextField("post_text", required=False, allow_blank=True, default="",
                     help_text="Text for this account; empty uses the shared text.")


class MediaInputSerializer(serializers.Serializer):
    id = IdField(help_text="Media asset id (upload with POST /media/).")
    alt_text = TextField("alt_text", required=False, allow_blank=True, default="")


TIMEZONES = sorted(timezone_names())


# An enum in the schema, so a client sees which names are accepted (without the
# 600-line choice description drf-spectacular would write for a ChoiceField).
@extend_schema_field({"type": "string", "enum": ["", *TIMEZONES]})
class TimezoneField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {"invalid_choice": _("Unknown time zone.")})
        super().__init__(choices=TIMEZONES, **kwargs)


class PostWriteSerializer(serializers.Serializer):
    """Create a draft. Workflow moves (submit, schedule …) are separate actions."""

    title = TextField("name", required=False, allow_blank=True, default="", max_length=120)
    text = TextField("post_text", required=False, allow_blank=True, default="",
                     trim_whitespace=False)
    targets = TargetInputSerializer(many=True, allow_empty=False,
                                    help_text="One entry per connected account to post to.")
    media = MediaInputSerializer(many=True, required=False, default=list, max_length=20)
    labels = serializers.ListField(child=IdField(), required=False, default=list,
                                   max_length=50)
    notes = TextField("note", required=False, allow_blank=True, default="")
    link_url = WebUrlField(required=False, allow_blank=True, default="", max_length=2000)
    scheduled_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="Planned time (ISO 8601 with offset). Scheduling itself is the "
                  "`schedule` action.")
    timezone = TimezoneField(
        required=False, allow_blank=True, default="",
        help_text="An IANA time zone name (e.g. `Europe/Berlin`); empty keeps the "
                  "organisation's.")

    def validate_targets(self, value):
        accounts = [t["account"] for t in value]
        if len(accounts) != len(set(accounts)):
            raise serializers.ValidationError(_("Each account may appear only once."),
                                              code="duplicate")
        return value

    def to_post_data(self) -> PostData:
        d = self.validated_data
        return PostData(
            text=d["text"], title=d["title"], notes=d["notes"], link_url=d["link_url"],
            account_ids=[t["account"] for t in d["targets"]],
            overrides={t["account"]: t["text"] for t in d["targets"] if t["text"].strip()},
            media=[(m["id"], m["alt_text"]) for m in d["media"]],
            label_ids=d["labels"], scheduled_at=d["scheduled_at"], timezone=d["timezone"])


class PostUpdateSerializer(PostWriteSerializer):
    """Partial update: fields left out keep their value. `version` must be the version you
    read; someone else's save in between answers 409."""

    version = IdField(help_text="The post's `version` as you last read it.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from rest_framework.fields import empty

        for name, field in self.fields.items():
            if name != "version":
                field.required = False
                field.default = empty  # left out means unchanged, not reset

    def to_post_data_from(self, post: Post) -> PostData:
        d = self.validated_data
        targets = list(post.targets.all())
        first = targets[0] if targets else None
        current_media = [(m.asset_id, m.alt_text) for m in first.attachments.all()] \
            if first else []
        data = PostData(
            text=d.get("text", post.text), title=d.get("title", post.title),
            notes=d.get("notes", post.notes), link_url=d.get("link_url", post.link_url),
            account_ids=[t.account_id for t in targets],
            overrides={t.account_id: t.text for t in targets if t.text},
            media=current_media, label_ids=[label.pk for label in post.labels.all()],
            scheduled_at=d.get("scheduled_at", post.scheduled_at),
            timezone=d.get("timezone") or post.timezone)
        if "targets" in self.initial_data:
            data.account_ids = [t["account"] for t in d["targets"]]
            data.overrides = {t["account"]: t["text"] for t in d["targets"] if t["text"].strip()}
        if "media" in self.initial_data:
            data.media = [(m["id"], m["alt_text"]) for m in d["media"]]
        if "labels" in self.initial_data:
            data.label_ids = d["labels"]
        return data


class ApproveSerializer(serializers.Serializer):
    comment = TextField("note", required=False, allow_blank=True, default="", max_length=5000)
    scheduled_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="Schedule at this time once approved (else the post's planned time).")


class RequestChangesSerializer(serializers.Serializer):
    comment = TextField("note", max_length=5000, help_text="What should change.")


class ScheduleSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(
        required=False, allow_null=True, default=None,
        help_text="When to publish; defaults to the post's planned time.")
    now = serializers.BooleanField(required=False, default=False,
                                   help_text="Publish as soon as possible instead.")


class CancelSerializer(serializers.Serializer):
    reason = TextField("note", required=False, allow_blank=True, default="", max_length=500)


class PostFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=POST.choices, required=False)
    account = IdField(required=False, help_text="Posts with a target for this account.")
    label = IdField(required=False)
    scheduled_from = serializers.DateTimeField(required=False,
                                               help_text="Planned at or after this time.")
    scheduled_to = serializers.DateTimeField(required=False,
                                             help_text="Planned before this time.")

    def validate(self, attrs):
        start, end = attrs.get("scheduled_from"), attrs.get("scheduled_to")
        if start and end and end < start:
            raise serializers.ValidationError(
                {"scheduled_to": [_("The end must not be before the start.")]})
        return attrs
