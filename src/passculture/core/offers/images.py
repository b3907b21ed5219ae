"""Offer images sent by pros: checked on their real content (never the file name), re-encoded.

Re-encoding from the decoded pixels into a new image drops every piece of metadata (EXIF with GPS
position and camera serial, XMP, comments, colour profiles) and anything hidden after the image data.
"""

import io
import uuid
import warnings

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import ImageInvalidType, ImageTooLarge, ImageTooManyPixels, ImageTooSmall, ImageUnreadable

MAX_IMAGE_BYTES = 10 * 1024 * 1024
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPTED_CONTENT_TYPES = "image/jpeg,image/png,image/webp"
MIN_WIDTH, MIN_HEIGHT = 400, 600
MAX_WIDTH, MAX_HEIGHT = 800, 1200
# Well above a 50-megapixel phone photo, far below what would exhaust a worker's memory once decoded
# (Pillow's own bomb threshold is ~179 million pixels).
MAX_PIXELS = 64_000_000
JPEG_QUALITY = 85


def prepare_offer_image(upload) -> ContentFile:
    """Checks an uploaded file (a Django UploadedFile or any binary file with `.size`) and returns a clean
    JPEG at most MAX_WIDTH x MAX_HEIGHT, ready for `offer.image.save()`. Raises a DomainError with a French
    message for each refusal."""
    size = getattr(upload, "size", None)
    # The size is known before reading: an oversized upload is never decoded.
    if size is None or size > MAX_IMAGE_BYTES:
        raise ImageTooLarge()
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between its two bomb thresholds: make it a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=ACCEPTED_FORMATS)
        except UnidentifiedImageError as error:
            raise ImageInvalidType() from error
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise ImageTooManyPixels() from error
        except (OSError, SyntaxError, ValueError) as error:
            raise ImageUnreadable() from error
        with image:
            # Opening reads only the header: refuse huge dimensions before decoding any pixel.
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ImageTooManyPixels()
            try:
                image.load()
                # A phone's portrait photo is often stored landscape with an orientation tag.
                upright = ImageOps.exif_transpose(image)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
                raise ImageTooManyPixels() from error
            except (OSError, SyntaxError, ValueError, EOFError) as error:
                raise ImageUnreadable() from error
            if upright.width < MIN_WIDTH or upright.height < MIN_HEIGHT:
                raise ImageTooSmall(
                    f"L'image est trop petite ({upright.width} × {upright.height} pixels) : "
                    f"{MIN_WIDTH} × {MIN_HEIGHT} pixels au minimum (largeur × hauteur)."
                )
            clean = _flatten(upright)
    clean.thumbnail((MAX_WIDTH, MAX_HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    clean.save(buffer, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def _flatten(image: Image.Image) -> Image.Image:
    """A brand-new RGB image with the pixels only (no `info`, hence no metadata); transparency on white."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        clean = Image.new("RGB", rgba.size, (255, 255, 255))
        clean.paste(rgba, mask=rgba.getchannel("A"))
        return clean
    rgb = image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean
