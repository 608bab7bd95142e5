"""Posts out again, as CSV or JSON with the import's columns, so an export re-imports cleanly.

Media are written as the addresses of this installation's own files (the importer uses
the organisation's asset for those instead of fetching them). Only what the member may see
is exported: the posts `posts_visible_to` allows and, in each, the accounts they may use.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zoneinfo
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from accounts.audit import audit_record
from content.selectors import posts_visible_to, posts_with_targets, usable_accounts
from content.services.access import require
from content.services.csv_import import COLUMNS
from content.services.media_fetch import media_address
from content.workflows import PostState

PLANNED = (PostState.DRAFT, PostState.PENDING, PostState.CHANGES, PostState.APPROVED,
           PostState.SCHEDULED)
SCOPES = ("planned", "all")
FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Export:
    body: str
    content_type: str
    filename: str
    count: int


def _account_key(account, ambiguous: set[str]) -> str:
    """The handle, or the id where two usable accounts share a handle (two networks)."""
    return str(account.pk) if account.handle.lower() in ambiguous else account.handle


def export_rows(membership, *, scope: str = "planned", now=None, site: str = "") -> list[dict]:
    """One dict per post with the import's columns, in the order of their times."""
    now = now or timezone.now()
    organization = membership.organization
    usable = {a.pk: a for a in usable_accounts(membership)}
    handles = [a.handle.lower() for a in usable.values()]
    ambiguous = {h for h in handles if handles.count(h) > 1}
    posts = posts_visible_to(membership, posts_with_targets(organization))
    if scope == "planned":
        posts = posts.filter(status__in=PLANNED).filter(
            Q(scheduled_at__isnull=True) | Q(scheduled_at__gt=now))
    posts = posts.order_by(F("scheduled_at").asc(nulls_last=True), "created_at", "pk")
    rows = []
    for post in posts:
        targets = [t for t in post.targets.all() if t.account_id in usable]
        if not targets:
            continue
        attachments = list(targets[0].attachments.all())
        at = post.scheduled_at
        if at is not None:
            zone = _zone(post.timezone or organization.timezone)
            at = at.astimezone(zone).isoformat(timespec="minutes")
        rows.append({
            "text": post.text,
            "accounts": "|".join(_account_key(t.account, ambiguous) for t in targets),
            "scheduled_at": at or "",
            "labels": "|".join(label.name for label in post.labels.all()),
            "media_url": "|".join(media_address(m.asset, site) for m in attachments),
            "media_alt": "|".join(m.effective_alt_text.replace("|", "/")
                                  for m in attachments) if attachments else "",
        })
    return rows


def _zone(name: str):
    """The post's own zone, so the exported time reads as it was planned."""
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def posts_export(*, organization, actor, fmt: str = "csv", scope: str = "planned",
                 now=None, site: str = "") -> Export:
    """The member's posts as a CSV or JSON file (audited: data leaves the installation).
    Media addresses start with `site` (the address the person uses), else SITE_URL."""
    membership = require(actor, organization, "post.view")
    fmt = fmt if fmt in FORMATS else "csv"
    scope = scope if scope in SCOPES else "planned"
    rows = export_rows(membership, scope=scope, now=now, site=site)
    stamp = timezone.localtime(now or timezone.now()).strftime("%Y-%m-%d")
    name = f"socialmgr-posts-{organization.slug}-{stamp}.{fmt}"
    if fmt == "json":
        body = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
        content_type = "application/json; charset=utf-8"
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
        body, content_type = out.getvalue(), "text/csv; charset=utf-8"
    audit_record(organization=organization, actor=actor, verb="content.post.exported",
                 details={"count": len(rows), "format": fmt, "scope": scope})
    return Export(body=body, content_type=content_type, filename=name, count=len(rows))
