"""The audit log as sentences a person understands ("Anna Berger marked 3 conversations
done"), in the reader's language.

Each app registers the sentences of the verbs it writes (`register`, from its
AppConfig.ready), so the audit log, a post's history and any other page render entries
through `describe` and never show a raw verb, model name or e-mail address where a
name exists. `tests/accounts/test_audit_text.py` writes one entry of every verb the
code can write and renders the audit log page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import AuditEntry, User


@dataclass
class Line:
    """What a sentence may use: the actor's and the object's names, the entry's details,
    and names of the people the details mention by e-mail (resolved once per page)."""

    entry: AuditEntry
    actor: str
    target: str
    names: dict[str, str] = field(default_factory=dict)

    @property
    def details(self) -> dict:
        return self.entry.details if isinstance(self.entry.details, dict) else {}

    def count(self, key: str = "items") -> int:
        value = self.details.get(key)
        if isinstance(value, list):
            return len(value)
        return value if isinstance(value, int) and not isinstance(value, bool) else 1

    def person(self, email: str | None) -> str:
        if not email:
            return _("nobody")
        return self.names.get(email.lower()) or _("a former member")

    def text(self, key: str) -> str:
        value = self.details.get(key)
        return value if isinstance(value, str) else ""


Sentence = Callable[[Line], str]
_SENTENCES: dict[str, Sentence] = {}
# Verbs whose `details["reason"]` is written for people (a reviewer's comment, the
# platform's own words); elsewhere the reason is a code and stays out of sight.
_SHOWS_REASON: set[str] = set()


def register(sentences: dict[str, Sentence], *, reasons: Iterable[str] = ()) -> None:
    _SENTENCES.update(sentences)
    _SHOWS_REASON.update(reasons)


def reason_of(entry: AuditEntry) -> str:
    details = entry.details if isinstance(entry.details, dict) else {}
    reason = details.get("reason")
    return reason if entry.verb in _SHOWS_REASON and isinstance(reason, str) else ""


def known_verbs() -> set[str]:
    return set(_SENTENCES)


def says(message) -> Sentence:
    """A sentence with %(actor)s and %(target)s (a lazy translated string)."""
    return lambda line: str(message) % {"actor": line.actor, "target": line.target}


def _actor(entry: AuditEntry) -> str:
    if entry.actor_id and entry.actor is not None:
        return entry.actor.display_name
    details = entry.details if isinstance(entry.details, dict) else {}
    reviewer = details.get("reviewer") or details.get("by")
    if isinstance(reviewer, str) and reviewer:  # a client deciding through a review link
        return reviewer
    if entry.actor_label and entry.actor_label != "socialmgr":
        return _("A former member")
    return "socialmgr"


def _target(entry: AuditEntry, names: dict[str, str]) -> str:
    label = entry.target_label or ""
    if entry.target_type == "accounts.invitation":  # "email → organisation"
        label = label.split(" → ")[0]
    if entry.target_type == "accounts.user":  # a person: their name as it is now
        label = names.get(f"user:{entry.target_id}", label)
    return label or _("(removed)")


def via_of(entry: AuditEntry) -> str:
    """How a program made the change for the person, or "" (in the app)."""
    details = entry.details if isinstance(entry.details, dict) else {}
    via = details.get("via")
    if not isinstance(via, dict) or not isinstance(via.get("token"), str):
        return ""
    if via.get("channel") == "mcp":
        return _("Made by an AI agent (MCP) with the token “%(name)s”.") % {"name": via["token"]}
    return _("Made through the API with the token “%(name)s”.") % {"name": via["token"]}


def describe(entry: AuditEntry, names: dict[str, str] | None = None) -> str:
    names = names or {}
    sentence = _SENTENCES.get(entry.verb)
    line = Line(entry=entry, actor=_actor(entry), target=_target(entry, names), names=names)
    if sentence is None:
        text = _("%(actor)s made a change (%(target)s).") % {"actor": line.actor,
                                                            "target": line.target}
    else:
        text = sentence(line)
    via = via_of(entry)
    return f"{text} {via}" if via else text


def describe_all(entries: Iterable[AuditEntry]) -> list[tuple[AuditEntry, str, str]]:
    """(entry, sentence, reason to show) for a page of entries; the people they mention
    are looked up at once."""
    entries = list(entries)
    emails = {v.lower() for e in entries if isinstance(e.details, dict)
              for k, v in e.details.items() if k in ("assignee", "email") and isinstance(v, str)}
    user_ids = {e.target_id for e in entries if e.target_type == "accounts.user"}
    ids = [int(i) for i in user_ids if i.isdigit()]
    names: dict[str, str] = {}
    if emails or ids:
        for user in User.objects.filter(Q(email__in=emails) | Q(pk__in=ids)):
            names[user.email.lower()] = names[f"user:{user.pk}"] = user.display_name
    return [(e, describe(e, names), reason_of(e)) for e in entries]
