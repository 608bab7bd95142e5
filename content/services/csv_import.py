"""CSV import of many posts: the whole file is checked first, then imported all or nothing.

Columns: text, accounts (handles or ids, separated by |), scheduled_at (ISO 8601 with an
offset, or "YYYY-MM-DD HH:MM" in the organisation's zone; empty = draft without a time),
labels (names separated by |; new names are created), media_url (optional).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import ServiceError
from content.models import Label, Post
from content.selectors import usable_accounts
from content.services.access import require
from content.services.calendar import resolve_local
from content.services.validation import problems_for

COLUMNS = ["text", "accounts", "scheduled_at", "labels", "media_url"]
REQUIRED = {"text", "accounts"}
MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
TEMPLATE_ROWS = [
    ["Our spring sale starts today! 🌷", "@brand|@brand.bsky.social", "2030-03-20 09:30",
     "Campaign: Spring", ""],
    ["Draft without a time: plan it later on the calendar.", "@brand", "", "", ""],
]


@dataclass
class Row:
    line: int
    text: str
    accounts: list = field(default_factory=list)
    at: dt.datetime | None = None
    labels: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: list[Row]
    posts: list[Post] = field(default_factory=list)
    file_error: str = ""

    @property
    def errors(self) -> list[Row]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.errors


def template_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


def _read(content: bytes) -> tuple[list[dict], str]:
    if len(content) > MAX_BYTES:
        return [], _("The file is larger than 2 MB.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = REQUIRED - set(header)
    if missing:
        return [], _("Missing columns: %(cols)s. Download the template to see the layout.") % {
            "cols": ", ".join(sorted(missing))}
    reader.fieldnames = header
    rows = list(reader)
    if not rows:
        return [], _("The file has no rows.")
    if len(rows) > MAX_ROWS:
        return [], _("At most %(n)d rows per file.") % {"n": MAX_ROWS}
    return rows, ""


def _parse_time(value: str, tz_name: str, now: dt.datetime) -> dt.datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise ServiceError(_("“%(value)s” is not a time: use 2030-03-20 09:30 or ISO 8601.")
                           % {"value": value}) from None
    at = parsed.astimezone(dt.UTC) if parsed.tzinfo else resolve_local(parsed, tz_name).at
    if at <= now:
        raise ServiceError(_("%(value)s is in the past.") % {"value": value})
    return at


def _accounts(value: str, by_key: dict) -> tuple[list, list[str]]:
    found, unknown = [], []
    for part in [p.strip() for p in value.split("|") if p.strip()]:
        account = by_key.get(part.lower()) or by_key.get("@" + part.lower().lstrip("@"))
        if account is None:
            unknown.append(part)
        elif account not in found:
            found.append(account)
    return found, unknown


def csv_check(*, organization, membership, content: bytes, now=None) -> ImportResult:
    """Every problem of every row, nothing written."""
    now = now or timezone.now()
    raw, file_error = _read(content)
    if file_error:
        return ImportResult(rows=[], file_error=file_error)
    accounts = usable_accounts(membership)
    by_key = {str(a.pk): a for a in accounts}
    by_key.update({a.handle.lower(): a for a in accounts})
    by_key.update({"@" + a.handle.lower().lstrip("@"): a for a in accounts})
    rows, seen = [], {}
    for line, data in enumerate(raw, start=2):
        row = Row(line=line, text=(data.get("text") or "").strip())
        row.accounts, unknown = _accounts(data.get("accounts") or "", by_key)
        if not row.text:
            row.errors.append(_("The text is empty."))
        if unknown:
            row.errors.append(_("Unknown or not allowed accounts: %(a)s.")
                              % {"a": ", ".join(unknown)})
        elif not row.accounts:
            row.errors.append(_("Name at least one account."))
        try:
            row.at = _parse_time(data.get("scheduled_at") or "", organization.timezone, now)
        except ServiceError as exc:
            row.errors.append(exc.message)
        row.labels = [p.strip()[:60] for p in (data.get("labels") or "").split("|") if p.strip()]
        if (data.get("media_url") or "").strip():
            row.errors.append(_("Media by URL is not imported yet: upload the file to the media "
                                "library and attach it in the composer, and leave media_url "
                                "empty."))
        if row.text:
            for account in row.accounts:
                for problem in problems_for(account, row.text, []):
                    row.errors.append(f"{account.handle}: {problem.message}")
        key = (row.text, tuple(sorted(a.pk for a in row.accounts)), row.at)
        if row.text and key in seen:
            row.errors.append(_("Same post as row %(line)d.") % {"line": seen[key]})
        seen.setdefault(key, line)
        rows.append(row)
    return ImportResult(rows=rows)


def csv_import(*, organization, actor, content: bytes, now=None) -> ImportResult:
    """Check the file; if every row is fine, create all posts in one transaction.

    Posts with a time are scheduled where the importer may schedule (approval not
    required, or an approver); otherwise they stay drafts with their planned time.
    """
    from content.services.posts import PostData, post_create
    from content.services.workflow import post_schedule

    membership = require(actor, organization, "post.edit")
    result = csv_check(organization=organization, membership=membership, content=content,
                       now=now)
    if not result.ok:
        return result
    current = None
    try:
        with transaction.atomic():
            for row in result.rows:
                current = row
                labels = [Label.objects.get_or_create(organization=organization, name=name)[0]
                          for name in row.labels]
                post = post_create(organization=organization, actor=actor, data=PostData(
                    text=row.text, account_ids=[a.pk for a in row.accounts],
                    label_ids=[lbl.pk for lbl in labels], scheduled_at=row.at))
                if row.at:
                    try:
                        with transaction.atomic():
                            post = post_schedule(post=post, actor=actor, scheduled_at=row.at)
                    except ServiceError as exc:
                        if exc.code != "not_approved":
                            raise
                result.posts.append(post)
            audit_record(organization=organization, actor=actor, verb="content.post.imported",
                         details={"count": len(result.posts)})
    except ServiceError as exc:
        current.errors.append(exc.message)
        result.posts = []
    return result
