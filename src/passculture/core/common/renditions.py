"""Smaller copies of a stored poster, so that a phone downloads the size it shows (`srcset`).

A poster is stored once, cleaned, as a JPEG of at most 800 x 1200 (offers.images, films). Beside it,
`<name>.w<width>.webp` for each of RENDITION_WIDTHS narrower than the original: a poster card on a phone
is 100 to 160 CSS pixels wide, that is 160 to 480 image pixels at the usual device pixel ratios, and a
160-pixel WebP weighs about a twentieth of the 800-pixel JPEG. They are made when the poster is saved
(`save_renditions`), from our own clean JPEG (never an upload: that went through decode_image first),
and `passculture renditions` makes the missing ones of posters stored before.
"""

import io
import logging
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from PIL import Image

logger = logging.getLogger(__name__)
RENDITION_WIDTHS = (160, 320, 480)
WEBP_QUALITY = 72


def rendition_name(name: str, width: int) -> str:
    return f"{name}.w{width}.webp"


def rendition_widths(width: int) -> tuple[int, ...]:
    """The renditions a poster this wide gets: only ones smaller than itself."""
    return tuple(w for w in RENDITION_WIDTHS if w < width)


def make_renditions(content: bytes) -> dict[int, bytes]:
    """{width: WebP bytes} for a clean stored poster."""
    with Image.open(io.BytesIO(content)) as image:
        image.load()
        original = image.convert("RGB")
    found = {}
    for width in rendition_widths(original.width):
        height = max(round(original.height * width / original.width), 1)
        buffer = io.BytesIO()
        original.resize((width, height), Image.Resampling.LANCZOS).save(
            buffer, format="WEBP", quality=WEBP_QUALITY, method=4
        )
        found[width] = buffer.getvalue()
    return found


def save_renditions(storage: Storage, name: str) -> list[int]:
    """Makes and stores the renditions of the poster stored at `name`, replacing older ones. Returns the
    widths made."""
    with storage.open(name, "rb") as stored:
        content = stored.read()
    made = make_renditions(content)
    for width, data in made.items():
        target = rendition_name(name, width)
        if storage.exists(target):
            storage.delete(target)
        storage.save(target, ContentFile(data))
    return sorted(made)


def delete_renditions(storage: Storage, name: str) -> None:
    for width in RENDITION_WIDTHS:
        target = rendition_name(name, width)
        if storage.exists(target):
            storage.delete(target)


def after_commit_store(storage: Storage, name: str) -> None:
    """Makes the renditions of a poster just saved, once the transaction that saved it commits (a rolled
    back change leaves no stray file). A poster that cannot be read keeps its original only: pages then
    serve it alone, which is slower, never broken."""

    def make() -> None:
        try:
            save_renditions(storage, name)
        except OSError:
            logger.warning("poster renditions not made for %s", name, exc_info=True)

    transaction.on_commit(make)


def after_commit_delete(storage: Storage, names: Iterable[str]) -> None:
    """Removes replaced posters and their renditions once the change that replaced them commits."""
    kept = [name for name in names if name]

    def delete() -> None:
        for name in kept:
            storage.delete(name)
            delete_renditions(storage, name)

    transaction.on_commit(delete)


def stored_renditions(storage: Storage, name: str) -> list[tuple[int, str]]:
    """(width, storage name) of the renditions present for `name`, narrowest first. One existence check
    per width: a stat on the file system storage the platform uses."""
    return [(w, rendition_name(name, w)) for w in RENDITION_WIDTHS if storage.exists(rendition_name(name, w))]


def missing_renditions(storage: Storage, names: Iterable[str]) -> Iterable[str]:
    """The stored posters, among `names`, that lack one of their renditions."""
    for name in names:
        if not name or not storage.exists(name):
            continue
        try:
            with storage.open(name, "rb") as stored, Image.open(stored) as image:
                width = image.width
        except OSError:
            continue
        if any(not storage.exists(rendition_name(name, w)) for w in rendition_widths(width)):
            yield name
