"""Celery task deleting published posts on their platforms (content/services/deletion.py)."""

from celery import shared_task


# acks_late (settings): a redelivered message finds the row claimed or settled and does
# nothing; the claim's lease lets a retry take over from a worker that died mid-call.
@shared_task(name="content.delete_targets", ignore_result=True)
def delete_targets(deletion_ids: list[int]) -> int:
    from content.services.deletion import run_deletions

    attempts = run_deletions([int(pk) for pk in deletion_ids])
    for pk, attempt in attempts.items():
        if attempt.retry_in is not None:
            delete_targets.apply_async(([pk],), countdown=attempt.retry_in)
    return len(attempts)
