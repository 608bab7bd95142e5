"""`make bench [BENCH=name]`: run benchmarks under bench/, each printing one JSON line.

Each benchmark is a module bench/<name>.py with `run() -> dict`. It runs against a
throwaway database created (and migrated) here: DATABASE_URL's server when set
(PostgreSQL is what the numbers are meant for), else SQLite — unless every benchmark asked
for says `NEEDS_DATABASE = False` (e.g. sentiment), when none is created. Results are also
written to bench/results/<name>.json.

Without DATABASE_URL / REDIS_URL, a throwaway PostgreSQL and Redis are started from local
binaries (as `make test` does) and stopped afterwards; BENCH_SERVICES=0 keeps SQLite and the
local cache instead.
"""

import contextlib
import importlib
import json
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Running `python bench/run.py` puts bench/ first on sys.path, where bench/calendar.py would
# shadow the standard library's calendar module: benchmarks are imported as bench.<name>.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socialmgr.settings")
os.environ.setdefault("SOCIALMGR_TESTING", "true")


def available() -> list[str]:
    return sorted(p.stem for p in (ROOT / "bench").glob("*.py")
                  if p.stem not in ("run", "__init__") and not p.stem.startswith("_"))


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    names = argv or available()
    unknown = set(names) - set(available())
    if unknown:
        print(f"unknown benchmark(s): {', '.join(sorted(unknown))}; have: {available()}",
              file=sys.stderr)
        return 2
    modules = {name: importlib.import_module(f"bench.{name}") for name in names}
    needs_db = any(getattr(m, "NEEDS_DATABASE", True) for m in modules.values())
    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    if needs_db:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    try:
        for name in names:
            started = time.monotonic()
            result = modules[name].run()
            result = {"bench": name, **result,
                      "database": connection.vendor if needs_db else None,
                      "wall_s": round(time.monotonic() - started, 2)}
            line = json.dumps(result, sort_keys=False)
            print(line, flush=True)
            (results_dir / f"{name}.json").write_text(line + "\n")
    finally:
        if needs_db:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


@contextlib.contextmanager
def services():
    """DATABASE_URL and REDIS_URL for the run: the environment's, else throwaway servers."""
    if os.environ.get("BENCH_SERVICES", "1") == "0":
        yield
        return
    from scripts.test_services import find_pg_bin, throwaway_postgres, throwaway_redis

    with contextlib.ExitStack() as stack:
        if not os.environ.get("DATABASE_URL") and (bindir := find_pg_bin()):
            os.environ["DATABASE_URL"] = stack.enter_context(throwaway_postgres(bindir))
            print(f"bench services: throwaway PostgreSQL from {bindir}", file=sys.stderr)
        if not os.environ.get("REDIS_URL") and (binary := shutil.which("redis-server")):
            os.environ["REDIS_URL"] = stack.enter_context(throwaway_redis(binary))
            print("bench services: throwaway Redis", file=sys.stderr)
        yield


if __name__ == "__main__":
    with services():
        code = main(sys.argv[1:])
    sys.exit(code)
