"""scripts/vendor_assets.py leaves nothing in static/vendor that points at a missing file."""

import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
spec = importlib.util.spec_from_file_location("vendor_assets", ROOT / "scripts/vendor_assets.py")
vendor_assets = importlib.util.module_from_spec(spec)
spec.loader.exec_module(vendor_assets)


def test_a_source_map_shipped_with_the_package_is_copied_alongside(tmp_path):
    package, vendor = tmp_path / "node_modules/lib/dist", tmp_path / "vendor/lib"
    package.mkdir(parents=True)
    (package / "lib.min.js").write_text("var a=1;\n//# sourceMappingURL=lib.min.js.map")
    (package / "lib.min.js.map").write_text('{"version":3}')

    vendor_assets.copy_with_source_map(package / "lib.min.js", vendor / "lib.min.js")

    assert (vendor / "lib.min.js").read_text().endswith("//# sourceMappingURL=lib.min.js.map")
    assert (vendor / "lib.min.js.map").read_text() == '{"version":3}'


def test_a_reference_to_a_missing_or_foreign_map_is_removed(tmp_path):
    package, vendor = tmp_path / "pkg", tmp_path / "vendor"
    package.mkdir()
    (package / "a.js").write_text("var a=1;\n//# sourceMappingURL=a.js.map\n")
    (package / "b.css").write_text("a{}\n/*# sourceMappingURL=../maps/b.css.map */\n")

    vendor_assets.copy_with_source_map(package / "a.js", vendor / "a.js")
    vendor_assets.copy_with_source_map(package / "b.css", vendor / "b.css")

    assert (vendor / "a.js").read_text() == "var a=1;\n\n"
    assert "sourceMappingURL" not in (vendor / "b.css").read_text()
    assert sorted(p.name for p in vendor.iterdir()) == ["a.js", "b.css"]


def test_every_vendored_file_naming_a_source_map_has_it():
    vendor = ROOT / "static" / "vendor"
    for path in [*vendor.rglob("*.js"), *vendor.rglob("*.css")]:
        for name in re.findall(r"sourceMappingURL=(\S+?)(?:\s|\*/|$)", path.read_text()):
            assert (path.parent / name).is_file(), f"{path} names {name}, which is missing"
