"""Every audit entry the code can write reads as a sentence, in English and German, and the
audit log renders one of each (a details list under "items" once answered 500)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from accounts.audit_text import describe, known_verbs
from accounts.models import AuditEntry
from content.models import DeletionStatus
from content.models.parts import PartKind
from content.services.transitions import POST_VERBS
from content.workflows import POST, TARGET
from inbox.models.replies import ReplyStatus
from inbox.views.manage import MODELS as INBOX_SETTING_KINDS

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "content", "inbox", "analytics", "assistant", "api", "socialmgr", "ops",
        "platforms")

# What each f-string family of verbs expands to (a new family fails until listed here).
FAMILIES = {
    # POST_VERBS.get(to, f"content.post.{to}"): the fallback only for states it does not name
    "content.post.{to}": {f"content.post.{s}" for s in POST.names - POST_VERBS.keys()},
    "content.target.{to}": {f"content.target.{s}" for s in TARGET.names},
    "content.target.{state}": {f"content.target.{s}" for s in TARGET.names},
    "content.target.delete_{status}": {f"content.target.delete_{s}"
                                       for s in DeletionStatus.values},
    **{f"content.part.{{{var}.kind}}.{event}": {f"content.part.{k}.{event}"
                                                for k in PartKind.values}
       for var in ("part", "locked") for event in ("published", "failed", "retried")},
    "inbox.reply.{to}": {f"inbox.reply.{s}" for s in ReplyStatus.values},
    "inbox.reply.{status}": {f"inbox.reply.{s}" for s in ReplyStatus.values},
    "inbox.{kind}.deleted": {f"inbox.{k}.deleted" for k in INBOX_SETTING_KINDS},
    "inbox.{kind}.changed": {f"inbox.{k}.changed" for k in INBOX_SETTING_KINDS},
}
VERB = re.compile(r"^(accounts|content|inbox|analytics|assistant|api)\.[a-z_]+\.[a-z_]+$")


def _strings(node: ast.AST, assigned: dict[str, list[ast.AST]]) -> set[str]:
    """The verbs an expression can evaluate to."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.JoinedStr):
        template = "".join(p.value if isinstance(p, ast.Constant) else
                           "{" + ast.unparse(p.value) + "}" for p in node.values)
        assert template in FAMILIES, f"a new family of audit verbs: {template}"
        return FAMILIES[template]
    if isinstance(node, ast.IfExp):
        return _strings(node.body, assigned) | _strings(node.orelse, assigned)
    if isinstance(node, ast.Call) and ast.unparse(node.func) == "POST_VERBS.get":
        return set(POST_VERBS.values()) | _strings(node.args[1], assigned)
    if isinstance(node, ast.Name):
        return set().union(*(_strings(v, assigned) for v in assigned.get(node.id, [])))
    raise AssertionError(f"cannot tell which verb {ast.unparse(node)} is")


def _written_verbs() -> set[str]:
    verbs: set[str] = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text())
            for func in [n for n in ast.walk(tree)
                         if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]:
                assigned: dict[str, list[ast.AST]] = {}
                for node in ast.walk(func):
                    if isinstance(node, ast.Assign):
                        for target in node.targets:
                            if isinstance(target, ast.Name):
                                assigned.setdefault(target.id, []).append(node.value)
                            elif isinstance(target, ast.Tuple) and isinstance(node.value,
                                                                              ast.Tuple):
                                for name, value in zip(target.elts, node.value.elts,
                                                       strict=False):
                                    if isinstance(name, ast.Name):
                                        assigned.setdefault(name.id, []).append(value)
                for node in ast.walk(func):
                    if not isinstance(node, ast.Call):
                        continue
                    name = ast.unparse(node.func)
                    if name.endswith("audit_record") or name == "AuditEntry":
                        for keyword in node.keywords:
                            if keyword.arg == "verb":
                                verbs |= _strings(keyword.value, assigned)
    return {v for v in verbs if VERB.match(v)}


WRITTEN = _written_verbs()


def test_the_scan_finds_the_verbs_of_every_app():
    assert {"content.post.approved", "inbox.item.done", "accounts.member.role_changed",
            "api.token.created", "analytics.settings.changed",
            "content.target.published", "inbox.reply.sent"} <= WRITTEN
    assert len(WRITTEN) > 90


def test_every_verb_the_code_writes_has_a_sentence():
    assert WRITTEN - known_verbs() == set()


def _entry(org, owner, verb: str) -> AuditEntry:
    details = {"items": [1, 2, 3], "assignee": owner.email, "label": "Lob",
               "from": "editor", "to": "approver", "reason": "Bitte kürzer", "step": "Legal",
               "handle": "@anna", "rows": 12, "provider": "mastodon", "weekday": 0,
               "time": "09:00"}
    target_type, target_id, label = "content.post", "7", "Sommerfest"
    if verb.startswith("content.target.") or verb.startswith("content.part."):
        target_type, label = "content.posttarget", "Sommerfest → @acme (mastodon)"
    elif verb in ("inbox.item.done", "inbox.item.reopened", "inbox.item.assigned"):
        target_type, target_id, label = "", "", ""  # bulk actions list their items
    elif verb.startswith("inbox.item.") or verb.startswith("inbox.reply."):
        target_type, label = "inbox.inboxitem", "Comment @bob: Wann öffnet ihr?"
    elif verb == "accounts.member.role_changed":
        target_type, target_id, label = "accounts.user", str(owner.pk), owner.email
    return AuditEntry.objects.create(organization=org, actor=owner, actor_label=owner.email,
                                     verb=verb, target_type=target_type, target_id=target_id,
                                     target_label=label, details=details)


@pytest.mark.django_db
def test_the_audit_log_renders_every_kind_of_entry_as_sentences(org, owner, client):
    owner.first_name, owner.last_name = "Anna", "Berger"
    owner.save()
    for verb in sorted(WRITTEN):
        _entry(org, owner, verb)
    client.force_login(owner)
    seen = rows = 0
    before = ""
    while True:
        response = client.get(f"/o/{org.slug}/settings/audit/{before}")
        assert response.status_code == 200
        page = response.content.decode()
        table = page[page.index("<table"):page.index("</table>")]
        text = re.sub(r"<[^>]+>", " ", table)
        for verb in WRITTEN:
            assert verb not in text, f"the raw verb {verb} is on the page"
        assert owner.email not in text  # the name, never the e-mail address
        seen += text.count("Anna Berger")
        rows += table.count("<tr data-verb")
        match = re.search(r'href="\?[^"]*before=([^"&]+)"', page)
        if not match:
            break
        before = f"?before={match.group(1)}"
    assert rows == len(WRITTEN)
    assert seen >= 0.8 * rows  # the rest are system events that name no actor
    assert "Anna Berger marked 3 conversations done." in " ".join(
        describe(e) for e in AuditEntry.objects.filter(verb="inbox.item.done"))


@pytest.mark.django_db
def test_every_sentence_is_translated_to_german(org, owner):
    owner.first_name = "Anna"
    owner.save()
    untranslated = []
    for verb in sorted(WRITTEN):
        entry = _entry(org, owner, verb)
        english = describe(entry)
        with translation.override("de"):
            german = describe(entry)
        if german == english:
            untranslated.append(verb)
    assert untranslated == []
    with translation.override("de"):
        done = describe(AuditEntry.objects.filter(verb="inbox.item.done").first())
    assert done == "Anna hat 3 Unterhaltungen als erledigt markiert."
