"""The scheduled publishing pipeline: dispatcher, worker, reconcile, watchdog.

    dispatch_due_targets()        claim due targets, queue one task each (beat, every 1 s)
    target_publish(target_id, lease)   publish one claim and settle its outcome
    publishing_tick()             both, inline: the deterministic step tests drive

See docs/architecture.md "Content and publishing".
"""

from __future__ import annotations


def publishing_tick(*, now=None) -> dict[int, str]:
    """Dispatch once and run every claimed target inline; {target id: resulting state}."""
    from content.pipeline.dispatcher import dispatch_due_targets
    from content.pipeline.worker import target_publish

    claims = dispatch_due_targets(now=now, enqueue=False)
    return {c.target_id: target_publish(target_id=c.target_id, lease=c.lease) for c in claims}
