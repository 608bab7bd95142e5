"""Profile pictures for local accounts: a PNG drawn with Pillow (nothing downloaded).

A circle in the colour of the account's network shape with the initials of its display name,
the same picture for the same account every time.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from sandbox import shapes

SIZE = 96


def initials(name: str) -> str:
    words = [w for w in name.replace("@", " ").split() if w[:1].isalnum()]
    letters = "".join(w[0] for w in words[:2]).upper()
    return letters or "?"


@lru_cache(maxsize=256)
def png(name: str, shape: str) -> bytes:
    colour = shapes.SHAPES.get(shape or shapes.DEFAULT, shapes.SHAPES[shapes.DEFAULT])["colour"]
    scale = 4  # draw large, then shrink: smooth edges
    image = Image.new("RGBA", (SIZE * scale, SIZE * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, SIZE * scale - 1, SIZE * scale - 1), fill=(*colour, 255))
    font = ImageFont.load_default(size=38 * scale)
    draw.text((SIZE * scale / 2, SIZE * scale / 2), initials(name), font=font,
              fill=(255, 255, 255, 255), anchor="mm")
    out = io.BytesIO()
    image.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(out, "PNG", optimize=True)
    return out.getvalue()
