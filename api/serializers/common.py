"""Shared serializer pieces: id fields with sane bounds and the documented error shapes."""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator, URLValidator
from rest_framework import serializers

from lib.text_input import LIMITS, clean_name, no_control_characters
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


class TextField(serializers.CharField):
    """Text input: a JSON string (a number is not taken for one), bounded by its kind and
    refused with a message when it holds control characters (lib/text_input, the same rule
    as the forms). `kind="name"` strips control characters instead."""

    def __init__(self, kind: str, **kwargs):
        self.kind = kind
        kwargs.setdefault("max_length", LIMITS[kind])
        if kind != "name":
            kwargs["validators"] = [*kwargs.get("validators", ()), no_control_characters]
        super().__init__(**kwargs)
        # DRF's own NUL check would repeat ours with a second message.
        self.validators = [v for v in self.validators
                           if not isinstance(v, ProhibitNullCharactersValidator)]

    def get_value(self, dictionary):
        # A form field sent more than once is a list, not the one string the schema asks
        # for (QueryDict would quietly take the last).
        if hasattr(dictionary, "getlist") and len(dictionary.getlist(self.field_name)) > 1:
            return dictionary.getlist(self.field_name)
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if self.max_length is not None and len(data) > self.max_length:
            # Measured as sent: trimming must not let an over-long value through.
            self.fail("max_length", max_length=self.max_length)
        if self.kind == "name":
            data = clean_name(data)
        return super().to_internal_value(data)


# What Django's URLValidator accepts for a web address, as a schema pattern (its own
# regex is not portable to ECMA): http(s), host labels of at most 63 characters and a
# top-level domain of letters. Lone surrogates are left out; they cannot be stored.
_LABEL_CHAR = "a-zA-Z0-9\u00a1-\ud7ff\ue000-\uffff"
_TLD_CHAR = "a-zA-Z\u00a1-\ud7ff\ue000-\uffff"
WEB_URL_PATTERN = (
    rf"^https?://(?:[{_LABEL_CHAR}](?:[{_LABEL_CHAR}-]{{0,61}}[{_LABEL_CHAR}])?\.)+"
    rf"[{_TLD_CHAR}]{{2,63}}\.?(?::[0-9]{{1,5}})?(?:[/?#][^\s]*)?\Z")


class WebUrlValidator(RegexValidator):
    """Django's URL check, limited to http(s) and held to WEB_URL_PATTERN, with one message."""

    regex = WEB_URL_PATTERN
    message = URLValidator.message

    def __call__(self, value) -> None:
        URLValidator(schemes=["http", "https"], message=self.message)(value)
        super().__call__(value)


def WebUrlField(**kwargs) -> serializers.CharField:
    """A web address: http or https only (a post links to a page), stated in the schema."""
    return serializers.CharField(validators=[WebUrlValidator()], **kwargs)
