"""Copy the third-party front-end files we serve from node_modules/ into static/vendor/.

Run after `npm ci` (the Makefile's `install` does both). static/vendor/ is not
committed: it is rebuilt from the locked packages on every install.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
VENDOR = ROOT / "static" / "vendor"

FILES = {
    "htmx.org/dist/htmx.min.js": "htmx/htmx.min.js",
    "lucide-static/sprite.svg": "lucide/sprite.svg",
    "lucide-static/LICENSE": "lucide/LICENSE",
    "fullcalendar/index.global.min.js": "fullcalendar/index.global.min.js",
    "@fullcalendar/core/locales/de.global.min.js": "fullcalendar/locales/de.global.min.js",
    "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
    "simple-icons/LICENSE.md": "simple-icons/LICENSE.md",
}
# Platform logos we show next to accounts.
SIMPLE_ICONS = ["mastodon", "bluesky", "x", "facebook", "instagram", "threads"]


def main() -> int:
    if not NODE.is_dir():
        print("node_modules/ is missing: run `npm ci` first", file=sys.stderr)
        return 1
    missing = []
    for src, dest in FILES.items():
        source = NODE / src
        if not source.exists():
            missing.append(src)
            continue
        target = VENDOR / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    for name in SIMPLE_ICONS:
        source = NODE / "simple-icons" / "icons" / f"{name}.svg"
        if source.exists():
            target = VENDOR / "simple-icons" / f"{name}.svg"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    if missing:
        print("missing front-end files: " + ", ".join(missing), file=sys.stderr)
        return 1
    print(f"vendored {len(FILES)} files into {VENDOR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
