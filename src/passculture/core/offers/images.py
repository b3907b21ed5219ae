"""Offer images sent by pros: checked on their real content (never the file name), re-encoded.

Re-encoding from the decoded pixels into a new image drops every piece of metadata (EXIF with GPS
position and camera serial, XMP, comments, colour profiles) and anything hidden after the image data.
"""

import io
import uuid

from django.core.files.base import ContentFile
from PIL import Image

from passculture.core.common.images import ImageRefusals, decode_image, encode_jpeg

from .exceptions import ImageInvalidType, ImageTooLarge, ImageTooManyPixels, ImageTooSmall, ImageUnreadable

MAX_IMAGE_BYTES = 10 * 1024 * 1024
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_CONTENT_TYPES = "image/jpeg,image/png,image/webp"
MIN_WIDTH, MIN_HEIGHT = 400, 600
MAX_WIDTH, MAX_HEIGHT = 800, 1200
JPEG_QUALITY = 85
# The upload kept while a draft is being framed: large enough that a wide image still gives a poster of
# MIN_WIDTH x MIN_HEIGHT once cropped to 2:3.
MAX_SOURCE_SIDE = 2400
# Where the 2:3 frame sits in an image wider (left to right) or taller (top to bottom) than a poster, in
# percent of the room left: 0 = left/top, 50 = centred, 100 = right/bottom.
CROP_POSITIONS = (0, 25, 50, 75, 100)
POSTER_RATIO = (2, 3)
REFUSALS = ImageRefusals(
    invalid_type=ImageInvalidType, too_many_pixels=ImageTooManyPixels, unreadable=ImageUnreadable
)


def prepare_offer_image(upload) -> ContentFile:
    """Checks an uploaded file (a Django UploadedFile or any binary file with `.size`) and returns a clean
    JPEG at most MAX_WIDTH x MAX_HEIGHT, ready for `offer.image.save()`. Raises a DomainError with a French
    message for each refusal."""
    size = getattr(upload, "size", None)
    # The size is known before reading: an oversized upload is never decoded.
    if size is None or size > MAX_IMAGE_BYTES:
        raise ImageTooLarge()
    clean = decode_image(
        upload,
        formats=ACCEPTED_FORMATS,
        fit_within=(MAX_WIDTH, MAX_HEIGHT),
        refusals=REFUSALS,
        check_size=_check_size,
    )
    content = encode_jpeg(clean, quality=JPEG_QUALITY, progressive=True)
    return ContentFile(content, name=f"{uuid.uuid4().hex}.jpg")


def _check_size(width: int, height: int) -> None:
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ImageTooSmall(
            f"L'image est trop petite ({width} × {height} pixels) : "
            f"{MIN_WIDTH} × {MIN_HEIGHT} pixels au minimum (largeur × hauteur)."
        )


def prepare_offer_source(upload) -> ContentFile:
    """Like prepare_offer_image, but kept at up to MAX_SOURCE_SIDE pixels a side and in its own shape:
    the picture the pro frames (`crop_poster`) while creating an offer step by step."""
    size = getattr(upload, "size", None)
    if size is None or size > MAX_IMAGE_BYTES:
        raise ImageTooLarge()
    clean = decode_image(
        upload,
        formats=ACCEPTED_FORMATS,
        fit_within=(MAX_SOURCE_SIDE, MAX_SOURCE_SIDE),
        refusals=REFUSALS,
        check_size=_check_size,
    )
    return ContentFile(encode_jpeg(clean, quality=90), name=f"{uuid.uuid4().hex}.jpg")


def crop_box(width: int, height: int, position: int) -> tuple[int, int, int, int]:
    """The largest 2:3 box inside a width x height image, slid to `position` percent (bounded to 0-100)
    along the side that is too long. Always inside the image."""
    position = min(max(int(position), 0), 100)
    ratio_w, ratio_h = POSTER_RATIO
    if width * ratio_h > height * ratio_w:  # wider than a poster: keep the height
        box_w, box_h = height * ratio_w // ratio_h, height
    else:
        box_w, box_h = width, width * ratio_h // ratio_w
    left = (width - box_w) * position // 100
    top = (height - box_h) * position // 100
    return left, top, left + box_w, top + box_h


def crop_poster(source: bytes, position: int = 50) -> ContentFile:
    """The poster framed from a source made by prepare_offer_source: cropped to 2:3 at `position`,
    shrunk to MAX_WIDTH x MAX_HEIGHT, as a new clean JPEG. Raises ImageTooSmall when the frame is
    smaller than a poster (a very wide panorama)."""
    with Image.open(io.BytesIO(source), formats=("JPEG",)) as image:
        box = crop_box(*image.size, position)
        framed = image.crop(box)
    width, height = framed.size
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise ImageTooSmall(
            f"Une fois recadrée au format affiche (2:3), l'image ne mesure que {width} × {height} pixels : "
            f"{MIN_WIDTH} × {MIN_HEIGHT} pixels au minimum. Choisissez une image moins allongée."
        )
    framed.thumbnail((MAX_WIDTH, MAX_HEIGHT), Image.Resampling.LANCZOS)
    content = encode_jpeg(framed.convert("RGB"), quality=JPEG_QUALITY, progressive=True)
    return ContentFile(content, name=f"{uuid.uuid4().hex}.jpg")
