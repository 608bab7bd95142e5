"""`python -m tests.integration.dispatch_loop OUT SECONDS`: dispatch (without queueing) in a
loop and write the claimed target ids to OUT — one of two concurrent dispatcher processes.

The processes start claiming together (each marks OUT.ready and waits for the other's mark
next to it): a claim takes milliseconds, so one started a moment earlier would otherwise
claim everything before the other has even loaded Django."""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialmgr.settings")


def main(out: str, seconds: float) -> None:
    import django

    django.setup()
    from content.pipeline.dispatcher import dispatch_due_targets

    _wait_for_peers(out)
    claimed: list[int] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        claimed += [c.target_id for c in dispatch_due_targets(batch=7, enqueue=False)]
    with open(out, "w") as fh:
        json.dump(claimed, fh)


def _wait_for_peers(out: str, peers: int = 2, timeout: float = 30.0) -> None:
    from pathlib import Path

    mark = Path(f"{out}.ready")
    mark.touch()
    deadline = time.monotonic() + timeout
    while (len(list(mark.parent.glob("*.ready"))) < peers
           and time.monotonic() < deadline):
        time.sleep(0.01)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
