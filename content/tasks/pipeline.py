"""Celery tasks of the publishing pipeline: thin wrappers taking ids (content/pipeline)."""

import datetime as dt
import time

from celery import current_app, shared_task
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


@shared_task(name="pipeline.dispatch", ignore_result=True)
def dispatch(at: str | None = None) -> int:
    """Claim what is due (within PUBLISH_CLAIM_AHEAD). Beat runs this every second; when
    something enters the claiming window before the next tick (a claim-ahead shorter than
    the beat period), one more run is queued for that very instant, so a post due at
    10:00:00.000 is claimed in time and not up to a beat period later. `at`: the instant a
    run was queued for (the timer may fire a few milliseconds early)."""
    from content.pipeline.dispatcher import dispatch_due_targets

    if at:
        early = (dt.datetime.fromisoformat(at) - timezone.now()).total_seconds()
        if 0 < early < 0.5:
            time.sleep(early)
    claims = dispatch_due_targets()
    if not current_app.conf.task_always_eager:
        _dispatch_again(len(claims))
    return len(claims)


def _dispatch_again(claimed: int) -> None:
    from content.pipeline.dispatcher import next_due_within

    if claimed >= settings.PUBLISH_DISPATCH_BATCH:  # a backlog: keep going, do not wait
        dispatch.apply_async()
        return
    ahead = dt.timedelta(seconds=settings.PUBLISH_CLAIM_AHEAD)
    due = next_due_within(timezone.now() + ahead, settings.PUBLISH_DISPATCH_LOOKAHEAD)
    # One timed run per instant, however many beat runs see it coming.
    if due is not None and cache.add(f"pipeline:dispatch_at:{due.isoformat()}", 1, 30):
        at = due - ahead
        dispatch.apply_async(kwargs={"at": at.isoformat()}, eta=at)


# acks_late + reject_on_worker_lost (settings): a task whose worker dies is redelivered; the
# lease check makes a redelivered or duplicate message a no-op once the row moved on.
@shared_task(name="pipeline.publish_targets", ignore_result=True)
def publish_targets(claims: list[list]) -> int:
    """A batch of [target id, lease] pairs from one dispatcher run."""
    from content.pipeline.dispatcher import Claim
    from content.pipeline.worker import targets_publish

    return len(targets_publish([Claim(int(pk), str(lease)) for pk, lease in claims]))


@shared_task(name="pipeline.publish_target", ignore_result=True)
def publish_target(target_id: int, lease: str) -> str:
    """One claim (messages queued by earlier versions)."""
    from content.pipeline.worker import target_publish

    return target_publish(target_id=target_id, lease=lease)


@shared_task(name="pipeline.resume_paused", ignore_result=True)
def resume_paused() -> int:
    from content.pipeline.resume import resume_paused as run

    return run()


@shared_task(name="pipeline.watchdog", ignore_result=True)
def watchdog() -> list[str]:
    from content.pipeline.watchdog import scheduler_check

    return [p.code for p in scheduler_check()]


@shared_task(name="pipeline.dispatch_parts", ignore_result=True)
def dispatch_parts() -> int:
    """Thread parts and first comments whose turn came (content/pipeline/parts.py)."""
    from content.pipeline.parts import dispatch_parts as run

    return len(run())


@shared_task(name="pipeline.send_parts", ignore_result=True)
def send_parts(claims: list[list]) -> int:
    """A batch of [part id, lease] pairs; each part's following parts go out in the same run."""
    from content.pipeline.parts import PartClaim
    from content.pipeline.parts import send_parts as run

    return len(run([PartClaim(int(pk), str(lease)) for pk, lease in claims]))
