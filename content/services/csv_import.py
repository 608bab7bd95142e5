"""CSV (or JSON) import of many posts: the whole file is checked first, then imported all
or nothing.

Columns: text, accounts (handles or ids, separated by |), scheduled_at (ISO 8601 with an
offset, or "YYYY-MM-DD HH:MM" in the organisation's zone; empty = draft without a time),
labels (names separated by |; new names are created), media_url (addresses of images or
videos, separated by |) and media_alt (their alt texts, in the same order, separated by |).
The export (`content.services.post_export`) writes the same columns.

Order of work: read and check every row; fetch every media address through the SSRF guard
into temporary files; only when no row has a problem, store the media and create the posts
in one transaction. A malformed file (control characters, over-long fields, broken
quoting, another encoding) is reported per row and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import time
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import ServiceError
from content.models import Label, MediaAsset, Post
from content.selectors import usable_accounts
from content.services.access import require
from content.services.calendar import resolve_local
from content.services.media_fetch import FetchedMedia, MediaFetchFailed, media_fetch, media_store
from content.services.validation import problems_for

COLUMNS = ["text", "accounts", "scheduled_at", "labels", "media_url", "media_alt"]
REQUIRED = {"text", "accounts"}
MAX_ROWS = 1000
MAX_BYTES = 2 * 1024 * 1024
MAX_MEDIA_PER_ROW = 10  # the most any network takes (an Instagram carousel)
MAX_MEDIA_PER_FILE = 100
# The import runs in the request: no new fetch starts after this long (a reverse proxy's
# usual 60 s must not cut the answer off).
FETCH_BUDGET_S = 45
FIELD_LIMIT = csv.field_size_limit()  # 131,072 characters
# C0 controls (tab, line feed and carriage return are text) and DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TEMPLATE_ROWS = [
    ["Our spring sale starts today! 🌷", "@brand|@brand.bsky.social", "2030-03-20 09:30",
     "Campaign: Spring", "https://example.com/spring.jpg", "Tulips in a shop window"],
    ["Draft without a time: plan it later on the calendar.", "@brand", "", "", "", ""],
]


@dataclass
class Row:
    line: int
    text: str
    accounts: list = field(default_factory=list)
    at: dt.datetime | None = None
    labels: list[str] = field(default_factory=list)
    media: list[tuple[str, str]] = field(default_factory=list)  # (address, alt text)
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


@dataclass
class _Record:
    line: int
    data: dict
    errors: list[str] = field(default_factory=list)


def _decode(content: bytes) -> tuple[str, str]:
    try:
        return content.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        line = content[:exc.start].count(b"\n") + 1
        return "", _("Line %(line)d is not UTF-8 text. Save the file as “CSV UTF-8” and try "
                     "again.") % {"line": line}


def _delimiter(text: str) -> str:
    """The header line decides: whichever of , ; tab it holds most (German Excel: ;)."""
    first = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=first.count)


def _header(names: list[str]) -> tuple[list[str], str]:
    header = [(h or "").strip().lower() for h in names]
    named = [h for h in header if h]
    missing = REQUIRED - set(named)
    if missing:
        return [], _("Missing columns: %(cols)s. Download the template to see the layout.") % {
            "cols": ", ".join(sorted(missing))}
    unknown = sorted(set(named) - set(COLUMNS))
    if unknown:
        return [], _("Unknown columns: %(cols)s. The columns are: %(known)s.") % {
            "cols": ", ".join(unknown)[:300], "known": ", ".join(COLUMNS)}
    doubled = sorted({h for h in named if named.count(h) > 1})
    if doubled:
        return [], _("Columns named twice: %(cols)s.") % {"cols": ", ".join(doubled)}
    return header, ""


def _csv_records(text: str) -> tuple[list[_Record], str]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        names = next(reader)
    except StopIteration:
        return [], _("The file is empty.")
    except csv.Error:
        return [], _("The first line (the column names) cannot be read as CSV.")
    header, error = _header(names)
    if error:
        return [], error
    records, line = [], 1
    while True:
        line += 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            reason = (_("A field is longer than %(n)s characters.")
                      % {"n": f"{FIELD_LIMIT:,}"} if "field limit" in str(exc)
                      else _("This row is not valid CSV (%(reason)s).") % {"reason": exc})
            records.append(_Record(line, {}, [reason]))
            continue
        if not any(v.strip() for v in values):
            continue  # blank lines between rows are common in spreadsheets
        record = _Record(line, {})
        for name, value in zip(header, values, strict=False):
            if name:
                record.data[name] = value
        extra = values[len(header):]
        if any(v.strip() for v in extra):
            record.errors.append(_("This row has more values than there are columns (%(n)d).")
                                 % {"n": len(header)})
        records.append(record)
    return records, ""


def _json_records(text: str) -> tuple[list[_Record], str]:
    try:
        items = json.loads(text)
    except (ValueError, RecursionError):
        return [], _("The file is not valid JSON.")
    if not isinstance(items, list):
        return [], _("The JSON file must hold a list of posts.")
    records = []
    for line, item in enumerate(items, start=1):
        record = _Record(line, {})
        if not isinstance(item, dict):
            record.errors.append(_("This entry is not an object with the columns as keys."))
            records.append(record)
            continue
        unknown = sorted(str(k) for k in item if k not in COLUMNS)
        if unknown:
            record.errors.append(_("Unknown keys: %(keys)s.") % {"keys": ", ".join(unknown)[:300]})
        for key in COLUMNS:
            value = item.get(key)
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                value = "|".join(value)
            if value is None:
                value = ""
            if not isinstance(value, str):
                record.errors.append(_("“%(key)s” must be text.") % {"key": key})
                value = ""
            record.data[key] = value
        records.append(record)
    return records, ""


def _read(content: bytes) -> tuple[list[_Record], str]:
    if len(content) > MAX_BYTES:
        return [], _("The file is larger than 2 MB.")
    text, error = _decode(content)
    if error:
        return [], error
    if not text.strip():
        return [], _("The file is empty.")
    is_json = text.lstrip()[:1] == "["
    records, error = _json_records(text) if is_json else _csv_records(text)
    if error:
        return [], error
    if not records:
        return [], _("The file has no rows.")
    if len(records) > MAX_ROWS:
        return [], _("At most %(n)d rows per file.") % {"n": MAX_ROWS}
    for record in records:
        for name, value in record.data.items():
            found = CONTROL.search(value)
            if found:
                record.errors.append(_("“%(column)s” contains a control character (U+%(code)s) "
                                       "at position %(pos)d; remove it.") % {
                    "column": name, "code": f"{ord(found.group()):04X}",
                    "pos": found.start() + 1})
                record.data[name] = CONTROL.sub("", value)
    return records, ""


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


def _media(data: dict) -> tuple[list[tuple[str, str]], list[str]]:
    urls = [u.strip() for u in (data.get("media_url") or "").split("|") if u.strip()]
    alts = [a.strip() for a in (data.get("media_alt") or "").split("|")]
    errors = []
    if len([a for a in alts if a]) and len(alts) > len(urls):
        errors.append(_("There are more alt texts (%(alts)d) than media addresses (%(urls)d); "
                        "separate both with | in the same order.")
                      % {"alts": len(alts), "urls": len(urls)})
    if len(urls) > MAX_MEDIA_PER_ROW:
        errors.append(_("At most %(n)d media per post.") % {"n": MAX_MEDIA_PER_ROW})
    alts += [""] * (len(urls) - len(alts))
    return list(zip(urls, alts, strict=False)), errors


def csv_check(*, organization, membership, content: bytes, now=None) -> ImportResult:
    """Every problem of every row that can be found without fetching media; nothing
    written."""
    now = now or timezone.now()
    records, file_error = _read(content)
    if file_error:
        return ImportResult(rows=[], file_error=file_error)
    accounts = usable_accounts(membership)
    by_key = {str(a.pk): a for a in accounts}
    by_key.update({a.handle.lower(): a for a in accounts})
    by_key.update({"@" + a.handle.lower().lstrip("@"): a for a in accounts})
    rows, seen = [], {}
    for record in records:
        data, line = record.data, record.line
        row = Row(line=line, text=(data.get("text") or "").strip(), errors=list(record.errors))
        rows.append(row)
        if not data:
            continue  # unreadable row: its reason is all there is to say
        row.accounts, unknown = _accounts(data.get("accounts") or "", by_key)
        row.media, media_errors = _media(data)
        row.errors += media_errors
        if not row.text and not row.media:
            row.errors.append(_("The text is empty."))
        if unknown:
            row.errors.append(_("Unknown or not allowed accounts: %(a)s.")
                              % {"a": ", ".join(unknown)[:300]})
        elif not row.accounts:
            row.errors.append(_("Name at least one account."))
        try:
            row.at = _parse_time(data.get("scheduled_at") or "", organization.timezone, now)
        except ServiceError as exc:
            row.errors.append(exc.message)
        row.labels = [p.strip()[:60] for p in (data.get("labels") or "").split("|") if p.strip()]
        if row.text:
            for account in row.accounts:
                for problem in problems_for(account, row.text, []):
                    row.errors.append(f"{account.handle}: {problem.message}")
        key = (row.text, tuple(sorted(a.pk for a in row.accounts)), row.at,
               tuple(u for u, _alt in row.media))
        if (row.text or row.media) and key in seen:
            row.errors.append(_("Same post as row %(line)d.") % {"line": seen[key]})
        seen.setdefault(key, line)
    addresses = {u for row in rows for u, _alt in row.media}
    if len(addresses) > MAX_MEDIA_PER_FILE:
        return ImportResult(rows=rows, file_error=_(
            "The file names %(count)d media addresses; at most %(n)d per file. Split it into "
            "smaller files.") % {"count": len(addresses), "n": MAX_MEDIA_PER_FILE})
    return ImportResult(rows=rows)


def _fetch_all(organization, rows: list[Row], site: str) -> dict[str, FetchedMedia]:
    """Fetch every address once; a failure is an error of each row that names it."""
    fetched: dict[str, FetchedMedia] = {}
    failed: dict[str, str] = {}
    deadline = time.monotonic() + FETCH_BUDGET_S
    for row in rows:
        for url, _alt in row.media:
            if url in fetched or url in failed:
                continue
            if time.monotonic() > deadline:
                failed[url] = _("Not fetched: fetching the media took too long. Split the file "
                                "into smaller files.")
                continue
            try:
                fetched[url] = media_fetch(organization, url, site)
            except MediaFetchFailed as exc:
                failed[url] = exc.message
    for row in rows:
        for url, _alt in row.media:
            if url in failed:
                row.errors.append(_("Media %(url)s: %(reason)s")
                                  % {"url": url[:200], "reason": failed[url]})
    return fetched


def _check_media(rows: list[Row], fetched: dict[str, FetchedMedia]) -> None:
    """Each network's media rules (count, types, sizes, alt text) with the real files."""
    for row in rows:
        if not row.media or row.errors:
            continue
        items = []
        for url, alt in row.media:
            item = fetched[url]
            probe = item.asset or MediaAsset(
                original_name=item.name, content_type=item.content_type, size=item.size,
                width=item.width, height=item.height,
                kind="video" if item.content_type.startswith("video/") else "image")
            items.append((probe, alt))
        for account in row.accounts:
            for problem in problems_for(account, row.text, items):
                if problem.field == "media":
                    row.errors.append(f"{account.handle}: {problem.message}")


def csv_import(*, organization, actor, content: bytes, now=None,
               site: str = "") -> ImportResult:
    """Check the file, fetch its media; if every row is fine, store the media and create
    all posts in one transaction.

    Posts with a time are scheduled where the importer may schedule (approval not
    required, or an approver); otherwise they stay drafts with their planned time.
    `site` is the address the importer uses (media addresses under it are our own).
    """
    membership = require(actor, organization, "post.edit")
    result = csv_check(organization=organization, membership=membership, content=content,
                       now=now)
    if result.file_error:
        return result
    fetched = _fetch_all(organization, result.rows, site)
    try:
        _check_media(result.rows, fetched)
        if result.ok:
            _create(organization, actor, result, fetched)
    finally:
        for item in fetched.values():
            item.discard()
    return result


def _create(organization, actor, result: ImportResult, fetched: dict[str, FetchedMedia]):
    from content.services.posts import PostData, post_create
    from content.services.workflow import post_schedule

    stored: list[str] = []  # file names written to storage by this import
    current = None
    try:
        with transaction.atomic():
            assets: dict[str, MediaAsset] = {}
            for row in result.rows:
                current = row
                for url, alt in row.media:
                    if url not in assets:
                        assets[url] = media_store(organization=organization, actor=actor,
                                                  fetched=fetched[url], alt_text=alt)
                        if fetched[url].asset is None:
                            stored += [assets[url].file.name] + [
                                r.file.name for r in assets[url].renditions.all()]
                labels = [Label.objects.get_or_create(organization=organization, name=name)[0]
                          for name in row.labels]
                post = post_create(organization=organization, actor=actor, data=PostData(
                    text=row.text, account_ids=[a.pk for a in row.accounts],
                    media=[(assets[url].pk, alt) for url, alt in row.media],
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
                         details={"count": len(result.posts), "media": len(stored)})
    except ServiceError as exc:
        current.errors.append(exc.message)
        result.posts = []
    finally:
        if not result.posts:  # rolled back: the files stored meanwhile belong to nobody
            for name in stored:
                default_storage.delete(name)
