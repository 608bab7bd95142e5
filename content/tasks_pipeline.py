"""Celery tasks of the publishing pipeline: thin wrappers taking ids (content/pipeline)."""

from celery import shared_task


@shared_task(name="pipeline.dispatch", ignore_result=True)
def dispatch() -> int:
    from content.pipeline.dispatcher import dispatch_due_targets

    return len(dispatch_due_targets())


# acks_late + reject_on_worker_lost (settings): a task whose worker dies is redelivered; the
# lease check makes a redelivered or duplicate message a no-op once the row moved on.
@shared_task(name="pipeline.publish_target", ignore_result=True)
def publish_target(target_id: int, lease: str) -> str:
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
