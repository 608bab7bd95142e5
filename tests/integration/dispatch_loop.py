"""`python -m tests.integration.dispatch_loop OUT SECONDS`: dispatch (without queueing) in a
loop and write the claimed target ids to OUT — one of two concurrent dispatcher processes."""

import json
import os
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialmgr.settings")


def main(out: str, seconds: float) -> None:
    import django

    django.setup()
    from content.pipeline.dispatcher import dispatch_due_targets

    claimed: list[int] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        claimed += [c.target_id for c in dispatch_due_targets(batch=7, enqueue=False)]
    with open(out, "w") as fh:
        json.dump(claimed, fh)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
