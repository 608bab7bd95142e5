"""Thin Celery tasks: ids in, one service call each."""

from celery import shared_task

from inbox import services


@shared_task(name="inbox.enqueue_due_polls", ignore_result=True)
def enqueue_due_polls() -> None:
    services.inbox_enqueue_due_polls()


@shared_task(name="inbox.enqueue_due_searches", ignore_result=True)
def enqueue_due_searches() -> None:
    services.inbox_enqueue_due_searches()


@shared_task(name="inbox.poll_cursor", ignore_result=True)
def poll_cursor(cursor_id: int) -> None:
    services.inbox_poll_cursor(cursor_id=cursor_id)


@shared_task(name="inbox.send_reply", ignore_result=True)
def send_reply(reply_id: int) -> None:
    outcome = services.inbox_reply_send(reply_id=reply_id)
    if outcome.retry_in is not None:
        send_reply.apply_async((reply_id,), countdown=outcome.retry_in)


@shared_task(name="inbox.purge_expired", ignore_result=True)
def purge_expired() -> None:
    services.inbox_purge_expired()


@shared_task(name="inbox.score_sentiment", ignore_result=True)
def score_sentiment(item_ids: list[int]) -> None:
    from inbox.services.sentiment import sentiment_score_items

    sentiment_score_items(item_ids)


@shared_task(name="inbox.detect_spikes", ignore_result=True)
def detect_spikes() -> None:
    from inbox.services.alerts import alerts_detect_all

    alerts_detect_all()


@shared_task(name="inbox.wake_snoozed", ignore_result=True)
def wake_snoozed() -> None:
    from inbox.services.snooze import inbox_wake_snoozed

    inbox_wake_snoozed()
