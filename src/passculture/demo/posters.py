"""Generated film posters (400x600 PNG): a two-colour gradient, the title, the genre and a demo mention."""

import colorsys
import hashlib
import io
import textwrap
import unicodedata
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

POSTER_SIZE = (400, 600)


def _palette(title: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """Two dark colours derived from the title, so a film keeps its poster across runs."""
    digest = hashlib.sha256(title.encode()).digest()
    hue = digest[0] / 255
    top = colorsys.hls_to_rgb(hue, 0.32, 0.55)
    bottom = colorsys.hls_to_rgb((hue + 0.12) % 1, 0.12, 0.45)
    return (
        tuple(round(c * 255) for c in top),  # type: ignore[return-value]
        tuple(round(c * 255) for c in bottom),
    )


# Fonts with accented capitals, when the system has one; Pillow's bundled font has no accents.
SYSTEM_FONTS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
)


@cache
def _system_font() -> str | None:
    return next((path for path in SYSTEM_FONTS if Path(path).is_file()), None)


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    path = _system_font()
    if path is not None:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _printable(text: str) -> str:
    """Without a system font, "É" would render as a box: write "E" instead."""
    if _system_font() is not None:
        return text
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def render_poster(title: str, genre: str, duration_minutes: int) -> bytes:
    width, height = POSTER_SIZE
    top, bottom = _palette(title)
    image = Image.new("RGB", POSTER_SIZE, top)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        ratio = y / (height - 1)
        colour = tuple(round(a + (b - a) * ratio) for a, b in zip(top, bottom, strict=True))
        draw.line([(0, y), (width, y)], fill=colour)
    draw.rectangle([16, 16, width - 17, height - 17], outline=(255, 255, 255), width=2)

    title_font = _font(40)
    lines = textwrap.wrap(_printable(title.upper()), width=14) or [title]
    y = 200 - 24 * len(lines)
    for line in lines:
        box = draw.textbbox((0, 0), line, font=title_font)
        draw.text(((width - (box[2] - box[0])) / 2, y), line, font=title_font, fill=(255, 255, 255))
        y += 52  # a fixed line height: accented capitals must not push the next line down

    small = _font(22)
    hours, minutes = divmod(duration_minutes, 60)
    for text, ypos in ((_printable(genre), 430), (f"{hours}h{minutes:02d}", 465)):
        box = draw.textbbox((0, 0), text, font=small)
        draw.text(((width - (box[2] - box[0])) / 2, ypos), text, font=small, fill=(235, 235, 235))
    mention = _printable("Film de démonstration")
    tiny = _font(16)
    box = draw.textbbox((0, 0), mention, font=tiny)
    draw.text(((width - (box[2] - box[0])) / 2, 545), mention, font=tiny, fill=(200, 200, 200))

    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
