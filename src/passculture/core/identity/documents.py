"""Photos of identity documents: checked on their real content (never the name or the declared type),
then re-encoded.

Accepted: JPEG and PNG, what phone cameras and screenshots produce (iOS converts HEIC to JPEG when the
file input accepts only these). Not PDF: a PDF cannot be checked by decoding it like an image, may carry
scripts and attachments, and would have to be rendered in the reviewer's browser. Re-encoding to JPEG
from the decoded pixels drops every piece of metadata (EXIF GPS position, camera serial, XMP) and any
payload hidden after the image data, so what is stored is a plain picture and nothing else.
"""

import uuid

from django.conf import settings
from django.core.files.base import ContentFile

from passculture.core.common.images import ImageRefusals, decode_image, encode_jpeg

from .exceptions import (
    DocumentPhotoInvalidType,
    DocumentPhotoRequired,
    DocumentPhotoTooLarge,
    DocumentPhotoTooManyPixels,
    DocumentPhotoTooSmall,
    DocumentPhotoUnreadable,
)

MAX_PHOTO_BYTES = 10 * 1024 * 1024
ACCEPTED_FORMATS = ("JPEG", "PNG")
ACCEPTED_CONTENT_TYPES = "image/jpeg,image/png"
# Below this a document's small print (the number, the birth date) is no longer legible.
MIN_LONG_SIDE, MIN_SHORT_SIDE = 600, 400
# Big enough for a reviewer to zoom on the machine-readable zone, small enough to stay a few hundred KB.
MAX_LONG_SIDE = 2400
JPEG_QUALITY = 90
STORED_CONTENT_TYPE = "image/jpeg"
REFUSALS = ImageRefusals(
    invalid_type=DocumentPhotoInvalidType,
    too_many_pixels=DocumentPhotoTooManyPixels,
    unreadable=DocumentPhotoUnreadable,
    noun="La photo",
)


class PreparedPhoto(ContentFile):
    """A document photo already checked and re-encoded (a clean JPEG)."""


def prepare_document_photo(upload) -> PreparedPhoto:
    """Checks an uploaded file (a Django UploadedFile or any binary file with `.size`) and returns a clean
    JPEG. Raises a DomainError with a French message for each refusal."""
    if isinstance(upload, PreparedPhoto):
        return upload
    if upload is None:
        raise DocumentPhotoRequired()
    size = getattr(upload, "size", None)
    # Past the server's upload limit the file arrives empty (interfaces/uploads.py), with the size sent.
    limit = min(MAX_PHOTO_BYTES, getattr(settings, "MAX_UPLOAD_FILE_BYTES", MAX_PHOTO_BYTES))
    if size is None or size > limit:
        raise DocumentPhotoTooLarge()
    if size == 0:
        raise DocumentPhotoRequired()
    clean = decode_image(
        upload,
        formats=ACCEPTED_FORMATS,
        fit_within=(MAX_LONG_SIDE, MAX_LONG_SIDE),
        refusals=REFUSALS,
        check_size=_check_size,
    )
    content = encode_jpeg(clean, quality=JPEG_QUALITY)
    return PreparedPhoto(content, name=f"{uuid.uuid4().hex}.jpg")


def _check_size(width: int, height: int) -> None:
    long_side, short_side = max(width, height), min(width, height)
    if long_side < MIN_LONG_SIDE or short_side < MIN_SHORT_SIDE:
        raise DocumentPhotoTooSmall(
            f"La photo est trop petite pour être lue ({width} × {height} pixels) : "
            f"{MIN_LONG_SIDE} × {MIN_SHORT_SIDE} pixels au minimum."
        )


def sniff_content_type(head: bytes) -> str | None:
    """The type of a stored photo from its first bytes: only what this module writes is served."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None
