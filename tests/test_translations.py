"""Every user-facing string has a German translation that is neither missing nor fuzzy.

The test re-extracts the strings from the code (Django's makemessages, merged with
the committed catalogue in a temporary copy), so a string added without updating
locale/de/ fails here, not in front of a German-speaking user.
"""

import os
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

IGNORE = [".venv", "node_modules", "static/vendor", "var", "tests", "bench", "scripts",
          "staticfiles", "docs"]


def _problems(po_path: Path) -> list[str]:
    with po_path.open("rb") as fh:
        catalog = read_po(fh, locale="de")
    problems = []
    for message in catalog:
        if not message.id:
            continue
        text = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {text!r}")
        elif not all(strings):
            problems.append(f"missing: {text!r}")
    return problems


@pytest.fixture
def fresh_catalogue(tmp_path, settings, monkeypatch):
    """A mirror of the project (symlinks) with a *copy* of locale/: makemessages writes its
    results into the copy, never into the committed catalogue."""
    root = Path(settings.BASE_DIR)
    mirror = tmp_path / "project"
    mirror.mkdir()
    for entry in root.iterdir():
        if entry.name in ("locale", ".git", ".venv", "node_modules", "var"):
            continue
        (mirror / entry.name).symlink_to(entry)
    shutil.copytree(root / "locale", mirror / "locale")
    settings.LOCALE_PATHS = [mirror / "locale"]
    monkeypatch.chdir(mirror)
    return mirror / "locale"


@pytest.mark.skipif(not shutil.which("xgettext") and os.environ.get("CI") != "true",
                    reason="GNU gettext (xgettext) is not installed")
def test_every_string_in_the_code_has_a_german_translation(fresh_catalogue):
    for domain in ("django", "djangojs"):
        call_command("makemessages", locale=["de"], domain=domain, ignore_patterns=IGNORE,
                     no_obsolete=True, symlinks=True, verbosity=0)
    problems = []
    for domain in ("django", "djangojs"):
        po = fresh_catalogue / "de" / "LC_MESSAGES" / f"{domain}.po"
        if po.exists():
            problems += _problems(po)
    assert not problems, f"{len(problems)} German translations to fix:\n" + "\n".join(
        problems[:60])


def test_the_committed_catalogue_has_no_missing_or_fuzzy_entries():
    po = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
    assert po.exists()
    assert not _problems(po)
