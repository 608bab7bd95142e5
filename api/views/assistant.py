"""The writing assistant's settings and this month's usage (read-only)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework.response import Response

from api.serializers.assistant import AssistantSerializer
from api.views.base import OrgViewSet
from assistant.services.settings import assistant_settings_for
from assistant.services.usage import month_usage

EXAMPLE = OpenApiExample("On, with a self-hosted model", response_only=True, value={
    "enabled": True, "base_url": "https://ollama.example.org/v1", "model": "llama3.1",
    "has_api_key": False, "accepts_images": False,
    "usage": {"month": "2026-12-01", "requests": 37, "tokens": 18250, "unmetered_requests": 0,
              "limit_kind": "requests", "limit": 500, "used": 37, "reached": False},
})


class AssistantViewSet(OrgViewSet):
    perms = {"overview": "assistant.use"}
    serializer_class = AssistantSerializer

    @extend_schema(summary="Writing assistant settings and usage",
                   responses={200: AssistantSerializer}, examples=[EXAMPLE],
                   description="Whether the organisation's writing assistant is on, which "
                               "endpoint and model it uses, and this month's usage against "
                               "its limit. Editors and up; the API key is never returned.")
    def overview(self, request):
        current = assistant_settings_for(self.organization)
        usage = month_usage(self.organization, current)
        return Response(AssistantSerializer({
            "enabled": current.enabled, "base_url": current.base_url, "model": current.model,
            "has_api_key": current.has_api_key, "accepts_images": current.accepts_images,
            "usage": {"month": usage.month, "requests": usage.requests, "tokens": usage.tokens,
                      "unmetered_requests": usage.unmetered_requests,
                      "limit_kind": usage.limit_kind, "limit": usage.limit,
                      "used": usage.used, "reached": usage.reached},
        }).data)
