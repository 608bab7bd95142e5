from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.common import IdField, PlatformUrlField, TextField
from inbox.models import InboxItem, InboxReply, ItemKind, ItemStatus, Sentiment


class InboxItemSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=ItemKind.choices, read_only=True)
    status = serializers.ChoiceField(choices=ItemStatus.choices, read_only=True)
    sentiment = serializers.ChoiceField(choices=[("", "—"), *Sentiment.choices],
                                        read_only=True)
    labels = serializers.ListField(child=serializers.CharField(), read_only=True)
    url = PlatformUrlField()

    class Meta:
        model = InboxItem
        fields = ["id", "account", "kind", "remote_id", "parent", "author_handle",
                  "author_name", "text", "url", "created_at", "status", "assignee", "labels",
                  "urgent", "sentiment", "sentiment_score", "sentiment_corrected",
                  "snoozed_until"]
        read_only_fields = fields


class InboxReplySerializer(serializers.ModelSerializer):
    remote_url = PlatformUrlField()

    class Meta:
        model = InboxReply
        fields = ["id", "item", "text", "status", "error", "remote_url", "created_at", "sent_at"]
        read_only_fields = fields


class AssignSerializer(serializers.Serializer):
    assignee = IdField(allow_null=True, help_text="A member's user id, or null to unassign.")


class SentimentCorrectionSerializer(serializers.Serializer):
    sentiment = serializers.ChoiceField(choices=Sentiment.choices,
                                        help_text="The label a person gives the item.")


class SnoozeSerializer(serializers.Serializer):
    until = serializers.DateTimeField(
        help_text="When the item comes back to the open list: at least a minute and at most "
                  "a year from now.")


class ReplySerializer(serializers.Serializer):
    text = TextField("comment")


class InboxFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=[*ItemStatus.choices, ("snoozed", _("Snoozed")), ("all", _("All"))],
        required=False, default=ItemStatus.OPEN,
        help_text="`open`: open and not snoozed; `snoozed`: open but snoozed until later.")
    account = IdField(required=False)
    platform = serializers.CharField(required=False, max_length=32)
    kind = serializers.ChoiceField(choices=ItemKind.choices, required=False)
    assignee = serializers.RegexField(r"^(me|none|\d{1,18})$", required=False,
                                      help_text="`me`, `none` or a user id.")
    urgent = serializers.BooleanField(required=False, default=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)
    q = TextField("comment", required=False, max_length=200, help_text="Full-text search.")
    sentiment = serializers.ChoiceField(
        choices=[*Sentiment.choices, ("none", _("Not analysed"))], required=False,
        help_text="Only items with this sentiment (`none`: not analysed yet).")


class AlertSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    account = serializers.IntegerField(source="account_id", read_only=True)
    kind = serializers.ChoiceField(choices=["negative", "mentions"], read_only=True)
    count = serializers.IntegerField(read_only=True, min_value=0,
                                     help_text="Items in the unusual hour.")
    baseline = serializers.FloatField(read_only=True,
                                      help_text="The account's median items per hour.")
    threshold = serializers.IntegerField(read_only=True, min_value=0)
    window_start = serializers.DateTimeField(read_only=True)
    window_end = serializers.DateTimeField(read_only=True)
    item_ids = serializers.ListField(child=serializers.IntegerField(), read_only=True,
                                     help_text="The items that caused it, newest first.")
    raised_at = serializers.DateTimeField(read_only=True)
    acknowledged_at = serializers.DateTimeField(read_only=True, allow_null=True)
