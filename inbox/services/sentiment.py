"""Sentiment of inbox items and listening hits: scored by lib.sentiment when they arrive,
backfilled on demand, corrected by people (a correction is kept and is never overwritten)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import audit_record
from accounts.services.errors import ServiceError
from inbox.models import InboxItem, Sentiment, SentimentCorrection
from lib.sentiment import analyse

# The score a person's label stands for (sorting treats it as certain); the analyser's own
# score is kept on the correction record.
CORRECTED_SCORE = {Sentiment.NEGATIVE: -1.0, Sentiment.NEUTRAL: 0.0, Sentiment.POSITIVE: 1.0}
BACKFILL_BATCH = 1000


def item_language(raw: dict) -> str | None:
    """The language the platform reports, when it does: X `lang`, Mastodon `language`,
    Bluesky `langs` (also on the record)."""
    if not raw:
        return None
    for source in (raw, raw.get("record") if isinstance(raw.get("record"), dict) else None):
        if not source:
            continue
        value = source.get("lang") or source.get("language")
        if not value and isinstance(source.get("langs"), list) and source["langs"]:
            value = source["langs"][0]
        if isinstance(value, str) and value:
            return value
    return None


def score_items(items: Iterable[InboxItem]) -> None:
    """Set sentiment and sentiment_score on (unsaved or stale) items in memory; items a
    person corrected are left as they are."""
    for item in items:
        if item.sentiment_corrected:
            continue
        result = analyse(item.text, item_language(item.raw))
        item.sentiment = result.label
        item.sentiment_score = result.score


def sentiment_score_items(item_ids: list[int]) -> int:
    """Score the given items that have no score yet (new ones, from ingestion's task). One
    read and one UPDATE; an item corrected meanwhile keeps the person's label."""
    items = list(InboxItem.objects.filter(
        pk__in=item_ids, sentiment_score__isnull=True, sentiment_corrected=False).only(
        "pk", "text", "raw", "sentiment", "sentiment_score", "sentiment_corrected"))
    return _store(items)


def _store(items: list[InboxItem]) -> int:
    score_items(items)
    if not items:
        return 0
    # bulk_update filters by pk within this queryset: a correction made meanwhile wins.
    InboxItem.objects.filter(sentiment_corrected=False).bulk_update(
        items, ["sentiment", "sentiment_score"])
    return len(items)


def sentiment_backfill(*, organization=None, rescore: bool = False) -> int:
    """Score stored items that have no score yet (all uncorrected ones with `rescore`, e.g.
    after the analyser changed). Corrected items are never touched. Returns the count."""
    qs = InboxItem.objects.filter(sentiment_corrected=False)
    if organization is not None:
        qs = qs.filter(organization=organization)
    if not rescore:
        qs = qs.filter(sentiment_score__isnull=True)
    done, last = 0, 0
    while True:
        batch = list(qs.filter(pk__gt=last).order_by("pk").only(
            "pk", "text", "raw", "sentiment", "sentiment_score", "sentiment_corrected")
            [:BACKFILL_BATCH])
        if not batch:
            return done
        done += _store(batch)
        last = batch[-1].pk


def sentiment_correct(*, item: InboxItem, label: str, actor, request=None) -> InboxItem:
    """A person sets the item's sentiment label: recorded (who, when, from, to), audited,
    and from then on kept — the analyser never overwrites it."""
    if label not in Sentiment.values:
        raise ServiceError(_("Unknown sentiment."))
    with transaction.atomic():
        current = InboxItem.objects.select_for_update().only(
            "pk", "sentiment", "sentiment_score", "sentiment_corrected").get(pk=item.pk)
        if current.sentiment == label and current.sentiment_corrected:
            return item
        SentimentCorrection.objects.create(
            organization_id=item.organization_id, item_id=item.pk, corrected_by=actor,
            from_label=current.sentiment, to_label=label,
            from_score=current.sentiment_score)
        InboxItem.objects.filter(pk=item.pk).update(
            sentiment=label, sentiment_score=CORRECTED_SCORE[label], sentiment_corrected=True)
        audit_record(organization=item.organization, actor=actor,
                     verb="inbox.item.sentiment_corrected", target=item, request=request,
                     details={"from": current.sentiment, "to": label,
                              "score": current.sentiment_score})
    item.sentiment, item.sentiment_score = label, CORRECTED_SCORE[label]
    item.sentiment_corrected = True
    return item
