"""Copy the third-party front-end files we serve from node_modules/ into static/vendor/.

Run after `npm ci` (the Makefile's `install` does both). static/vendor/ is not
committed: it is rebuilt from the locked packages on every install.
"""

import re
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
    "@fullcalendar/core/locales/en-gb.global.min.js": "fullcalendar/locales/en-gb.global.min.js",
    "chart.js/dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
    "simple-icons/LICENSE.md": "simple-icons/LICENSE.md",
}
# `//# sourceMappingURL=x.map` (JS) or `/*# sourceMappingURL=x.map */` (CSS), last line.
SOURCE_MAP = re.compile(
    rb"^[ \t]*(?://|/\*)[#@] sourceMappingURL=([^\s*]+)[ \t]*(?:\*/)?[ \t]*$", re.M)
# Platform logos we show next to accounts.
SIMPLE_ICONS = ["mastodon", "bluesky", "x", "facebook", "instagram", "threads"]


def copy_with_source_map(source: Path, target: Path) -> None:
    """Copy a file and the source map it names, so nothing we serve points at a missing file.

    The production storage (ManifestStaticFilesStorage) rewrites every sourceMappingURL to
    the map's hashed name and refuses to build when the map is absent. A map that ships
    with the package is copied next to the file (readable stack traces, and the source of
    what we serve); a reference to a map the package lacks, or one that is not a sibling
    file, is removed.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    data = source.read_bytes()
    if source.suffix in (".js", ".css"):
        def keep_or_drop(match: re.Match) -> bytes:
            name = match.group(1).decode()
            map_source = source.parent / name
            if "/" in name or ":" in name or not map_source.is_file():
                return b""
            shutil.copyfile(map_source, target.parent / name)
            return match.group(0)

        data = SOURCE_MAP.sub(keep_or_drop, data)
    target.write_bytes(data)


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
        copy_with_source_map(source, VENDOR / dest)
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
