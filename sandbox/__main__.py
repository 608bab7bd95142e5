"""`python -m sandbox --port 8001 [--state-file var/sandbox.json]`."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys

from sandbox.app import SandboxApp
from sandbox.knobs import Knobs
from sandbox.server import SandboxServer


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandbox",
                                     description="Run the sandbox social network.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("SANDBOX_PORT", 8001)))
    parser.add_argument("--state-file", default=os.environ.get("SANDBOX_STATE_FILE") or None,
                        help="keep the world in this JSON file across restarts")
    parser.add_argument("--admin-secret", default=os.environ.get("SANDBOX_ADMIN_SECRET", ""),
                        help="required X-Sandbox-Secret for /_sandbox/ (default: loopback only)")
    parser.add_argument("--latency-ms", type=float)
    parser.add_argument("--jitter-ms", type=float)
    parser.add_argument("--error-rate", type=float)
    parser.add_argument("--token-ttl-s", type=int)
    parser.add_argument("--rate-limit-calls", type=int)
    parser.add_argument("--rate-limit-window-s", type=float)
    parser.add_argument("--activity-per-hour", type=float)
    parser.add_argument("--backfill-hours", type=float)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--demo", action="store_true",
                        help="the demo's calm trickle: DEMO_ACTIVITY_PER_MINUTE new inbox items "
                        "a minute across 5 accounts, no backfill (SANDBOX_<KNOB> still wins)")
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="sandbox %(levelname)s %(message)s")
    try:
        knobs = Knobs.from_env(demo=args.demo,
            latency_ms=args.latency_ms, jitter_ms=args.jitter_ms, error_rate=args.error_rate,
            token_ttl_s=args.token_ttl_s, rate_limit_calls=args.rate_limit_calls,
            rate_limit_window_s=args.rate_limit_window_s,
            activity_per_hour=args.activity_per_hour, backfill_hours=args.backfill_hours,
            seed=args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    app = SandboxApp(knobs, state_file=args.state_file, admin_secret=args.admin_secret)
    server = SandboxServer(app, host=args.host, port=args.port)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"Sandbox network on {server.url}/", flush=True)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
