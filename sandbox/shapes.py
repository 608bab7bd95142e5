"""Network shapes: a sandbox account can behave like a Mastodon-, Bluesky-, X-, LinkedIn-,
Instagram- or Threads-like account, each with its own text and media limits, its own way of
counting text (`counting`, a `Limits.counting` rule; Mastodon's when absent) and its own
metrics.

The shape is chosen when the account is created (the authorisation page's `shape` field) and
is reported on the account (`sandbox_shape` in `verify_credentials`), so clients can show the
right limits. The sandbox itself enforces the shape's limits when a status is created.
"""

from __future__ import annotations

DEFAULT = "mastodon"

# key: label, limits and the post metrics the shape reports (besides likes, reposts, replies).
SHAPES: dict[str, dict] = {
    "mastodon": {"label": "Mastodon-like", "max_characters": 500, "max_media_attachments": 4,
                 "characters_reserved_per_url": 23, "colour": (99, 100, 255),
                 "metrics": ["impressions", "quotes"]},
    "bluesky": {"label": "Bluesky-like", "max_characters": 300, "max_media_attachments": 4,
                "characters_reserved_per_url": 23, "colour": (17, 133, 254),
                "metrics": ["quotes"]},
    "x": {"label": "X-like", "max_characters": 280, "max_media_attachments": 4,
          "characters_reserved_per_url": 23, "colour": (20, 23, 26),
          "metrics": ["impressions", "quotes", "clicks"]},
    "linkedin": {"label": "LinkedIn-like", "max_characters": 3000, "max_media_attachments": 9,
                 "characters_reserved_per_url": 23, "colour": (10, 102, 194),
                 "metrics": ["impressions", "clicks"]},
    "instagram": {"label": "Instagram-like", "max_characters": 2200, "max_media_attachments": 10,
                  "characters_reserved_per_url": 23, "colour": (193, 53, 132),
                  "metrics": ["impressions", "reach", "saves"]},
    # Threads: 500 characters with emoji counted as their UTF-8 bytes, carousels of up to 20
    # images and videos mixed, views (impressions) and quotes.
    "threads": {"label": "Threads-like", "max_characters": 500, "max_media_attachments": 20,
                "characters_reserved_per_url": 23, "colour": (16, 16, 16),
                "counting": "bytes_emoji", "mixed_media": True,
                "metrics": ["impressions", "quotes"]},
}


def shape_of(account: dict) -> dict:
    return SHAPES.get(account.get("shape") or DEFAULT, SHAPES[DEFAULT])


def public(key: str) -> dict:
    """What `verify_credentials` reports about an account's shape."""
    shape = SHAPES.get(key or DEFAULT, SHAPES[DEFAULT])
    return {"key": key or DEFAULT, "label": shape["label"],
            "max_characters": shape["max_characters"],
            "max_media_attachments": shape["max_media_attachments"],
            "characters_reserved_per_url": shape["characters_reserved_per_url"],
            "counting": shape.get("counting", "mastodon"),
            "mixed_media": bool(shape.get("mixed_media", False)),
            "metrics": list(shape["metrics"])}
