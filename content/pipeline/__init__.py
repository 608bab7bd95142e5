"""The scheduled publishing pipeline: dispatcher, worker, reconcile, watchdog.

    dispatch_due_targets()        claim due targets, queue them in small batches (beat, 1 s)
    targets_publish(claims)       publish a batch of claims concurrently and settle them
    publishing_tick()             both, inline: the deterministic step tests drive
    dispatch_parts() / parts_tick()  thread parts and first comments, after their target

See docs/architecture.md "Content and publishing".
"""

from __future__ import annotations


def publishing_tick(*, now=None) -> dict[int, str]:
    """Dispatch once and run every claimed target inline, in the batches the tasks get;
    {target id: resulting state}."""
    from django.conf import settings

    from content.pipeline.dispatcher import dispatch_due_targets
    from content.pipeline.worker import targets_publish

    claims = dispatch_due_targets(now=now, enqueue=False)
    size = max(1, settings.PUBLISH_TASK_BATCH)
    results: dict[int, str] = {}
    for start in range(0, len(claims), size):
        batch = claims[start:start + size]
        done = targets_publish(batch)
        results.update({c.target_id: done.get(c.target_id, "stale") for c in batch})
    return results


def parts_tick(*, now=None) -> dict[int, str]:
    """Promote, claim and send thread parts and first comments inline (what the
    `pipeline.dispatch_parts` beat run and its tasks do); {part id: resulting state}."""
    from content.pipeline.parts import claim_due, promote_ready, send_parts

    promote_ready(now)
    return send_parts(claim_due(now))
