from __future__ import annotations

from rest_framework import serializers

from assistant.models import LimitKind


class AssistantUsageSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="The first day of the month, in the organisation's "
                                            "time zone.")
    requests = serializers.IntegerField()
    tokens = serializers.IntegerField(help_text="Prompt and completion tokens, as the endpoint "
                                                "reported them.")
    unmetered_requests = serializers.IntegerField(
        help_text="Requests whose answer did not say how many tokens it took.")
    limit_kind = serializers.ChoiceField(choices=LimitKind.choices)
    limit = serializers.IntegerField()
    used = serializers.IntegerField(help_text="Requests or tokens, whichever the limit counts.")
    reached = serializers.BooleanField()


class AssistantSerializer(serializers.Serializer):
    enabled = serializers.BooleanField()
    base_url = serializers.CharField(help_text="The endpoint's base address; empty until set.")
    model = serializers.CharField()
    has_api_key = serializers.BooleanField(help_text="The key itself is never shown.")
    accepts_images = serializers.BooleanField()
    usage = AssistantUsageSerializer()
