"""Offer images sent by pros: checked on their real content (never the file name), re-encoded.

Re-encoding from the decoded pixels into a new image drops every piece of metadata (EXIF with GPS
position and camera serial, XMP, comments, colour profiles) and anything hidden after the image data.
"""

import uuid

from django.core.files.base import ContentFile

from passculture.core.common.images import ImageRefusals, decode_image, encode_jpeg

from .exceptions import ImageInvalidType, ImageTooLarge, ImageTooManyPixels, ImageTooSmall, ImageUnreadable

MAX_IMAGE_BYTES = 10 * 1024 * 1024
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_CONTENT_TYPES = "image/jpeg,image/png,image/webp"
MIN_WIDTH, MIN_HEIGHT = 400, 600
MAX_WIDTH, MAX_HEIGHT = 800, 1200
JPEG_QUALITY = 85
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
