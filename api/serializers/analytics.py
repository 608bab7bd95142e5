from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from analytics.models import POST_METRIC_NAMES
from analytics.selectors.period import MAX_DAYS, PRESETS
from api.serializers.common import IdField


class SummaryQuerySerializer(serializers.Serializer):
    range = serializers.ChoiceField(choices=PRESETS, required=False, default="28",
                                    help_text="Preset period in the organisation's time zone; "
                                              "`custom` needs `start` and `end`.")
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)
    account = serializers.ListField(child=IdField(), required=False, default=list,
                                    max_length=100,
                                    help_text="Limit to these accounts (repeat the parameter).")

    def validate(self, attrs):
        if attrs["range"] == "custom":
            start, end = attrs.get("start"), attrs.get("end")
            if not start or not end:
                raise serializers.ValidationError(
                    {"start": [_("Choose both dates for a custom period.")]})
            if end < start:
                raise serializers.ValidationError(
                    {"end": [_("The end must not be before the start.")]})
            if (end - start).days + 1 > MAX_DAYS:
                raise serializers.ValidationError(
                    {"end": [_("Choose at most %(n)s days.") % {"n": MAX_DAYS}]})
        return attrs


class PeriodSerializer(serializers.Serializer):
    first = serializers.DateField()
    last = serializers.DateField()
    timezone = serializers.CharField()


def _totals_fields() -> dict:
    fields = {
        "posts": serializers.IntegerField(help_text="Posts published in the period."),
        "measured": serializers.IntegerField(help_text="Of those, with metrics fetched."),
        "engagements": serializers.IntegerField(allow_null=True),
        "engagement_rate": serializers.FloatField(allow_null=True,
                                                  help_text="Percent of impressions."),
        "last_fetched": serializers.DateTimeField(allow_null=True),
    }
    for name in POST_METRIC_NAMES:
        fields[name] = serializers.IntegerField(allow_null=True)
    return fields


TotalsSerializer = type("TotalsSerializer", (serializers.Serializer,), _totals_fields())


class FollowersSerializer(serializers.Serializer):
    latest = serializers.IntegerField(allow_null=True)
    growth = serializers.IntegerField(allow_null=True)
    previous_growth = serializers.IntegerField(allow_null=True)


class AccountSummarySerializer(serializers.Serializer):
    account = serializers.IntegerField()
    totals = TotalsSerializer()
    followers = FollowersSerializer()


class SummarySerializer(serializers.Serializer):
    period = PeriodSerializer()
    previous_period = PeriodSerializer()
    totals = TotalsSerializer()
    previous_totals = TotalsSerializer()
    followers = FollowersSerializer()
    accounts = AccountSummarySerializer(many=True)


class ShortLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    short_url = serializers.CharField(read_only=True,
                                      help_text="The address published in the post.")
    url = serializers.CharField(read_only=True, help_text="Where it leads (UTM applied).")
    post = serializers.IntegerField(source="post_id", read_only=True, allow_null=True)
    target = serializers.IntegerField(source="target_id", read_only=True, allow_null=True)
    account = serializers.IntegerField(source="account_id", read_only=True, allow_null=True)
    provider = serializers.CharField(read_only=True)
    enabled = serializers.BooleanField(read_only=True)
    clicks = serializers.IntegerField(read_only=True, min_value=0,
                                      help_text="Clicks in all (bots and previews not counted).")
    created_at = serializers.DateTimeField(read_only=True)
