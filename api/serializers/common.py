"""Shared serializer pieces: id fields with sane bounds and the documented error shapes."""

from __future__ import annotations

from rest_framework import serializers

MAX_ID = 2**63 - 1


def IdField(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


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
