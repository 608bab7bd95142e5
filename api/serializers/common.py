"""Shared serializer pieces: id fields with sane bounds and the documented error shapes."""

from __future__ import annotations

from rest_framework import serializers

from lib.weburl import http_url

MAX_ID = 2**63 - 1


def IdField(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class PlatformUrlField(serializers.CharField):
    """A platform-supplied URL, read-only: an absolute http(s) URL or "" (lib.weburl)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", "An absolute http(s) URL, or empty.")
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value) -> str:
        return http_url(value)


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine-readable code, e.g. `required`.")
    message = serializers.CharField(help_text="Translated, human-readable message.")


class ErrorSerializer(serializers.Serializer):
    """Every error answer has this shape."""

    detail = serializers.CharField(help_text="Translated, human-readable summary.")
    code = serializers.CharField(help_text="Stable machine-readable code.")


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=FieldErrorSerializer()),
        help_text="Per field path (nested fields dotted: `targets.0.account`): a list of "
                  "{code, message}. Problems not tied to one field are under "
                  "`non_field_errors`.")
