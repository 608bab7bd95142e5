"""Sentiment of the conversations with our accounts over time, per account, network and
label (campaign), from the labels the inbox holds (the analyser's or a person's correction).

Listening hits are left out, as in the inbox card: they are about the keywords, not about
our accounts. The net score is (positive − negative) / analysed × 100, from −100 (all
negative) to +100 (all positive); items without a label (not analysed yet) are counted
apart so that a low coverage is visible instead of hidden in the score.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from analytics.selectors.scope import Scope
from platforms.registry import account_label

LABELS = ("negative", "neutral", "positive")


def net_score(counts: dict) -> int | None:
    analysed = sum(counts.get(k, 0) for k in LABELS)
    if not analysed:
        return None
    return round(100 * (counts.get("positive", 0) - counts.get("negative", 0)) / analysed)


def network_name(account) -> str:
    """The network as people know it: a sandbox account shaped like Bluesky is "Sandbox
    (like Bluesky)", so the demo's networks are told apart."""
    return account_label(account)


def _items(scope: Scope):
    from inbox.models import InboxItem

    return (InboxItem.objects.for_org(scope.organization).visible()
            .filter(account_id__in=scope.account_ids).exclude(kind="listening"))


def _in(period) -> Q:
    return Q(created_at__gte=period.start, created_at__lt=period.end)


def _row(name: str, counts: dict, **extra) -> dict:
    analysed = sum(counts.get(k, 0) for k in LABELS)
    return {"name": name, **{k: counts.get(k, 0) for k in LABELS}, "analysed": analysed,
            "net": net_score(counts), **extra}


def day_account_counts(scope: Scope) -> dict:
    """{(day in the organisation's time zone, account id): {label: n}} for the period."""
    rows = (_items(scope).filter(_in(scope.period)).exclude(sentiment="")
            .annotate(day=TruncDate("created_at", tzinfo=scope.tz))
            .values("day", "account_id", "sentiment").annotate(n=Count("*")))
    result: dict = defaultdict(dict)
    for row in rows:
        result[(row["day"], row["account_id"])][row["sentiment"]] = row["n"]
    return dict(result)


def sentiment_stats(scope: Scope) -> dict:
    items = _items(scope)
    current, previous = scope.period, scope.period.previous()
    totals = items.aggregate(
        **{k: Count("pk", filter=_in(current) & Q(sentiment=k)) for k in LABELS},
        unanalysed=Count("pk", filter=_in(current) & Q(sentiment="")),
        **{f"before_{k}": Count("pk", filter=_in(previous) & Q(sentiment=k)) for k in LABELS})
    before = {k: totals[f"before_{k}"] for k in LABELS}
    per_day: dict = defaultdict(dict)
    per_account: dict = defaultdict(dict)
    for (day, account_id), counts in day_account_counts(scope).items():
        for label, n in counts.items():
            per_day[day][label] = per_day[day].get(label, 0) + n
            per_account[account_id][label] = per_account[account_id].get(label, 0) + n
    accounts = {a.pk: a for a in scope.accounts}
    per_network: dict = defaultdict(dict)
    for account_id, counts in per_account.items():
        account = accounts[account_id]
        network = per_network[(network_name(account), account.provider)]
        for label, n in counts.items():
            network[label] = network.get(label, 0) + n
    account_rows = [_row(accounts[aid].name, counts, provider=accounts[aid].provider)
                    for aid, counts in per_account.items()]
    network_rows = [_row(name, counts, provider=provider)
                    for (name, provider), counts in per_network.items()]
    for table in (account_rows, network_rows):
        table.sort(key=lambda r: (-r["analysed"], r["name"]))
    current_counts = {k: totals[k] for k in LABELS}
    return {
        "counts": current_counts,
        "analysed": sum(current_counts.values()),
        "unanalysed": totals["unanalysed"],
        "net": net_score(current_counts),
        "previous_net": net_score(before),
        "per_day": dict(per_day),
        "accounts": account_rows,
        "networks": network_rows,
        "labels": _per_label(scope),
    }


def _per_label(scope: Scope) -> list[dict]:
    """Sentiment of the replies to our labelled posts, per label (campaign). A post with two
    labels counts for both, as in the labels table."""
    from content.models import PostTarget

    targets = (PostTarget.objects.filter(post__organization=scope.organization,
                                         account_id__in=scope.account_ids,
                                         post__labels__isnull=False)
               .exclude(remote_id="").values_list("account_id", "remote_id", "post__labels__name"))
    labels_of: dict = defaultdict(set)
    for account_id, remote_id, label in targets:
        labels_of[(account_id, remote_id)].add(label)
    if not labels_of:
        return []
    roots = {remote_id for _account, remote_id in labels_of}
    rows = (_items(scope).filter(_in(scope.period), thread_root_remote_id__in=roots)
            .exclude(sentiment="")
            .values("account_id", "thread_root_remote_id", "sentiment").annotate(n=Count("*")))
    per_label: dict = defaultdict(dict)
    for row in rows:
        for label in labels_of.get((row["account_id"], row["thread_root_remote_id"]), ()):
            counts = per_label[label]
            counts[row["sentiment"]] = counts.get(row["sentiment"], 0) + row["n"]
    result = [_row(label, counts) for label, counts in per_label.items()]
    result.sort(key=lambda r: (-r["analysed"], r["name"]))
    return result
