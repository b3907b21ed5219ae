"""Decoding an uploaded image safely, shared by offer posters and identity document photos.

An upload is judged on its real content, never its name or declared type. The header is read first, so
huge dimensions are refused before any pixel is decoded; Pillow's decompression-bomb warning is a
refusal too. What comes out is a brand-new RGB image holding the pixels only: re-encoding it drops every
piece of metadata (EXIF GPS position, camera serial, XMP, comments) and anything hidden after the data.
Each caller keeps its own refusals (error classes and codes) and its own size rules.
"""

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from .exceptions import DomainError


@dataclass(frozen=True)
class ImageRefusals:
    """The caller's errors for each way an upload can fail to be a usable image."""

    invalid_type: type[DomainError]
    too_many_pixels: type[DomainError]
    unreadable: type[DomainError]


def decode_clean_image(
    upload, *, formats: tuple[str, ...], max_pixels: int, refusals: ImageRefusals
) -> Image.Image:
    """The upload's pixels, upright (a phone's portrait photo is often stored landscape with an
    orientation tag), as a new RGB image without metadata; transparency on white."""
    upload.seek(0)
    with warnings.catch_warnings():
        # Pillow only warns between its two bomb thresholds: make it a refusal too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(upload, formats=formats)
        except UnidentifiedImageError as error:
            raise refusals.invalid_type() from error
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise refusals.too_many_pixels() from error
        except (OSError, SyntaxError, ValueError) as error:
            raise refusals.unreadable() from error
        with image:
            width, height = image.size
            if width * height > max_pixels:
                raise refusals.too_many_pixels()
            try:
                image.load()
                upright = ImageOps.exif_transpose(image)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
                raise refusals.too_many_pixels() from error
            except (OSError, SyntaxError, ValueError, EOFError) as error:
                raise refusals.unreadable() from error
            return _flatten(upright)


def encode_jpeg(image: Image.Image, *, max_size: tuple[int, int], quality: int, **options) -> bytes:
    """Shrinks (never enlarges) to fit `max_size`, then encodes as JPEG."""
    image.thumbnail(max_size, Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, **options)
    return buffer.getvalue()


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        clean = Image.new("RGB", rgba.size, (255, 255, 255))
        clean.paste(rgba, mask=rgba.getchannel("A"))
        return clean
    rgb = image.convert("RGB")
    clean = Image.new("RGB", rgb.size)
    clean.paste(rgb)
    return clean
