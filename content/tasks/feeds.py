"""Celery tasks of RSS/Atom feeds: thin wrappers around content.services.feeds."""

from celery import shared_task

from content.services.feeds import feed_read, feeds_enqueue_due


@shared_task(name="content.read_due_feeds", ignore_result=True)
def read_due_feeds() -> int:
    """Beat: queue a read of every feed that is due (cross-tenant on purpose)."""
    return len(feeds_enqueue_due())


@shared_task(name="content.read_feed", ignore_result=True)
def read_feed(feed_id: int) -> str:
    return feed_read(feed_id=feed_id).outcome
