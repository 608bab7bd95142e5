"""The one check for text people type, shared by the forms, the API and the services.

Two rules: a bound per kind of text (far above what any network accepts, so the
per-network check stays the one that explains platform limits), and no control
characters — C0 except tab, line feed and carriage return, DEL, and lone surrogates.
They are invisible, no network wants them, and PostgreSQL refuses NUL outright (a
500 before this check). Names lose them silently (`clean_name`); longer texts are
refused with a message, as silently changing what someone wrote would be wrong.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Maximum lengths in characters, per kind of text.
LIMITS = {
    # Above every network's own limit (Facebook's 63,206 characters is the longest).
    "post_text": 65_000,
    "comment": 10_000,  # first comments, replies, saved replies
    "note": 10_000,  # internal notes, approval comments
    "alt_text": 1_500,
    "name": 200,
}

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_control_characters(value: str) -> bool:
    return bool(CONTROL_CHARACTERS.search(value))


@deconstructible
class NoControlCharacters(RegexValidator):
    # `regex` states the rule for the OpenAPI schema (drf-spectacular turns it into a
    # `pattern`); the check itself is CONTROL_CHARACTERS, which also finds lone surrogates.
    regex = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*\Z"
    message = _("Remove the invisible control characters from this text (for example NUL "
                "bytes); they cannot be saved or published.")
    code = "control_characters"

    def __call__(self, value) -> None:
        if isinstance(value, str) and has_control_characters(value):
            raise ValidationError(self.message, code=self.code)


no_control_characters = NoControlCharacters()


def text_validators(kind: str) -> list:
    """Validators for a text of `kind` (a key of LIMITS)."""
    return [no_control_characters, MaxLengthValidator(LIMITS[kind])]


def text_problem(value: str, kind: str) -> str | None:
    """The message that refuses `value` as a text of `kind`, or None when it is fine."""
    for validator in text_validators(kind):
        try:
            validator(value)
        except ValidationError as exc:
            return exc.messages[0]
    return None


def clean_name(value: str) -> str:
    """A name without control characters and surrounding white space."""
    return CONTROL_CHARACTERS.sub("", value).strip()


def apply_text_rule(field, kind: str) -> None:
    """Give a Django form field the rule for `kind`: names lose control characters,
    other texts are refused with a message; both are bounded."""
    if kind == "name":
        to_python = field.to_python
        field.to_python = lambda value: clean_name(to_python(value))
    else:
        field.validators.append(no_control_characters)
    if getattr(field, "max_length", None) is None:
        field.max_length = LIMITS[kind]
        field.validators.append(MaxLengthValidator(LIMITS[kind]))


class TextRulesMixin:
    """For forms: `text_rules = {"field name": "kind"}` applies `apply_text_rule`."""

    text_rules: dict[str, str] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, kind in self.text_rules.items():
            if name in self.fields:
                apply_text_rule(self.fields[name], kind)
