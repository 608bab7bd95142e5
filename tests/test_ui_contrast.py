"""WCAG 2.2 AA contrast of the design tokens in static/css/app.css, light and dark theme.

The tokens are read from the stylesheet itself, so changing a colour there re-runs the
check: 4.5:1 for text, 3:1 for UI parts (input borders, focus ring, outline badges).
"""

import re
from pathlib import Path

import pytest

CSS = (Path(__file__).resolve().parent.parent / "static" / "css" / "app.css").read_text()

STATES = (
    "draft", "pending_approval", "changes_requested", "approved", "scheduled", "publishing",
    "published", "partially_failed", "failed", "unconfirmed", "paused", "cancelled",
)
OUTLINED = ("partially_failed", "unconfirmed", "paused")

TEXT_PAIRS = [
    ("text", "bg"), ("text", "surface"), ("text", "surface-2"), ("text", "surface-hover"),
    ("text-muted", "bg"), ("text-muted", "surface"), ("text-muted", "surface-2"),
    ("accent-text", "surface"), ("accent-text", "bg"), ("accent-text", "accent-soft"),
    ("accent-on", "accent"), ("accent-on", "accent-hover"),
    ("danger-on", "danger"), ("danger-on", "danger-hover"),
    ("danger-text", "surface"), ("danger-text", "danger-soft"), ("text", "danger-soft"),
    ("success-text", "surface"), ("success-text", "success-soft"),
    ("warning-text", "surface"), ("warning-text", "warning-soft"),
    ("info-text", "surface"), ("info-text", "info-soft"), ("text", "info-soft"),
    ("text", "warning-soft"), ("text", "success-soft"),
    ("surface", "success-text"), ("surface", "info-text"), ("surface", "warning-text"),
    ("surface", "danger-text"),
] + [(f"status-{s}-fg", f"status-{s}-bg") for s in STATES]

UI_PAIRS = [
    ("border-strong", "surface"), ("border-strong", "bg"),
    ("focus", "surface"), ("focus", "bg"), ("accent", "surface"), ("danger", "surface"),
] + [(f"status-{s}-border", "surface") for s in OUTLINED]


def _block(selector_regex: str, indent: str) -> str:
    match = re.search(selector_regex + r"\s*\{(.*?)\n" + indent + r"\}", CSS, re.S)
    assert match, f"no token block for {selector_regex}"
    return match.group(1)


def _tokens(block: str) -> dict[str, str]:
    return {m[0]: m[1].strip() for m in re.findall(r"--([\w-]+)\s*:\s*([^;]+);", block)}


LIGHT = _tokens(_block(r"\n:root", ""))
DARK = {**LIGHT, **_tokens(_block(r"prefers-color-scheme: dark\)\s*\{\s*:root", "  "))}


def _resolve(tokens: dict[str, str], name: str) -> str:
    value = tokens[name]
    while value.startswith("var("):
        value = tokens[value[6:-1]]
    return value


def _luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    assert len(h) == 6, f"tokens used for text must be #rrggbb, got {hex_colour}"
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS)
def test_text_pairs_meet_aa(theme, fg, bg):
    tokens = LIGHT if theme == "light" else DARK
    ratio = contrast(_resolve(tokens, fg), _resolve(tokens, bg))
    assert ratio >= 4.5, f"{theme}: --{fg} on --{bg} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("fg", "bg"), UI_PAIRS)
def test_ui_parts_meet_aa(theme, fg, bg):
    tokens = LIGHT if theme == "light" else DARK
    ratio = contrast(_resolve(tokens, fg), _resolve(tokens, bg))
    assert ratio >= 3.0, f"{theme}: --{fg} on --{bg} is {ratio:.2f}:1"


def test_every_status_has_a_class_and_its_tokens():
    for state in STATES:
        assert f".status-{state} {{" in CSS, state
        for part in ("bg", "fg", "border"):
            assert f"status-{state}-{part}" in LIGHT and f"status-{state}-{part}" in DARK


def test_status_specifics_from_ui_doc():
    assert re.search(r"\.badge\.status-cancelled\s*\{[^}]*line-through", CSS)
    assert re.search(r"\.badge\.status-publishing::before\s*\{[^}]*animation", CSS)
    # the animation stops for people who asked for less motion
    reduced = CSS.split("prefers-reduced-motion: reduce", 1)[1].split("@media", 1)[0]
    assert "status-publishing" in reduced and "animation: none" in reduced
    # outlines: transparent-looking background (the surface), coloured border
    for state in OUTLINED:
        assert _resolve(LIGHT, f"status-{state}-bg") == _resolve(LIGHT, "surface")
    # failed is filled red, partly failed only outlined red
    assert _resolve(LIGHT, "status-failed-bg") == _resolve(LIGHT, "danger")


def test_components_use_tokens_not_raw_colours():
    """Outside the token blocks, colours come from var(--…) (a few documented exceptions)."""
    body = CSS.split("/* 2. Base", 1)[1]
    raw = re.findall(r"#[0-9a-fA-F]{3,6}\b", body)
    # the QR code always needs a white quiet zone, whatever the theme
    assert raw == ["#ffffff"], raw
