"""Inbox volume and first-response times per member (counted from our own inbox)."""

from __future__ import annotations

import statistics

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from analytics.selectors.scope import Scope


def inbox_stats(scope: Scope) -> dict:
    from inbox.models import InboxItem

    previous = scope.period.previous()
    items = (InboxItem.objects.for_org(scope.organization)
             .filter(account_id__in=scope.account_ids)
             .exclude(kind="listening"))
    current = Q(created_at__gte=scope.period.start, created_at__lt=scope.period.end)
    volume = items.aggregate(
        current=Count("created_at", filter=current),
        previous=Count("created_at", filter=Q(created_at__gte=previous.start,
                                      created_at__lt=previous.end)))
    per_day = dict(items.filter(current)
                   .annotate(day=TruncDate("created_at", tzinfo=scope.tz))
                   .values("day").annotate(n=Count("*")).values_list("day", "n"))
    responses = (items.filter(current, first_response_at__isnull=False)
                 .values_list("first_responder_id", "first_responder__email",
                              "first_responder__first_name", "first_responder__last_name",
                              "created_at", "first_response_at"))
    members: dict = {}
    for user_id, email, first, last, created, answered in responses:
        name = f"{first or ''} {last or ''}".strip() or email or "—"
        entry = members.setdefault(user_id, {"name": name, "minutes": []})
        entry["minutes"].append(max(0.0, (answered - created).total_seconds() / 60))
    rows = [{"member": m["name"], "answered": len(m["minutes"]),
             "median_minutes": round(statistics.median(m["minutes"]), 1)}
            for m in members.values()]
    rows.sort(key=lambda r: (-r["answered"], r["member"]))
    all_minutes = [x for m in members.values() for x in m["minutes"]]
    return {
        "volume": volume["current"],
        "previous_volume": volume["previous"],
        "per_day": per_day,
        "members": rows,
        "median_minutes": round(statistics.median(all_minutes), 1) if all_minutes else None,
    }
