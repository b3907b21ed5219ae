"""Decoding an uploaded image with bounded memory, shared by offer posters and identity document photos.

An upload is judged on its real content, never its name or declared type. What an image costs is its
size once decoded, not its file size: an 8000 x 8000 PNG of one colour weighs 250 KB and takes 256 MB
of memory decoded (and four times that through conversions). So, from the header alone, before any pixel
is decoded:
- Pillow's own bomb check (`Image.MAX_IMAGE_PIXELS`, set here for the whole process) and ours refuse more
  than MAX_PIXELS pixels;
- the caller's size rule runs on the upright dimensions (too small is refused without decoding);
- a JPEG is told to decode already scaled down (1/2, 1/4 or 1/8, done by libjpeg inside the DCT) to no
  less than twice the stored size, so a 50-megapixel phone photo decodes to a few megapixels;
- what decoding would hold in memory (`decoding_bytes`: the pixels as Pillow stores them, 4 bytes for a
  colour pixel, 1 for grey, and the WebP decoder's own canvases) must stay under MAX_DECODED_BYTES.
The decoded pixels are then flattened and shrunk to the stored size right away, each full-size buffer
released as soon as the next step has its copy, so at most two full-size buffers live at once (the worst
accepted upload peaks under 200 MB: benchmarks/scenarios/image_memory.py).

What comes out is a brand-new RGB image holding the pixels only: re-encoding it drops every piece of
metadata (EXIF GPS position, camera serial, XMP, comments) and anything hidden after the data.
Each caller keeps its own refusals (error classes and codes) and its own size rules.
"""

import io
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageFile, JpegImagePlugin, UnidentifiedImageError

from .exceptions import DomainError

# Well above a 50-megapixel phone photo. Pillow warns above MAX_IMAGE_PIXELS (a refusal here) and refuses
# above twice that, for every image the process opens.
MAX_PIXELS = 64_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# What decoding one upload may hold at once, before the working copies: a 4096 x 4096 colour PNG, a
# 64-megapixel JPEG (decoded at 1/2 or less), a 2048 x 2048 WebP.
MAX_DECODED_BYTES = 64 * 1024 * 1024
# Pillow decodes a WebP through libwebp's canvas and its previous frame, then a copy of the pixels as
# bytes, then its own image: four times the pixels (measured: +263 MB for 4096 x 4096).
WEBP_DECODING_COPIES = 4
WHITE = (255, 255, 255)
# EXIF orientation -> the transposition that makes the picture upright (5 to 8 swap width and height).
TRANSPOSITIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
EXIF_ORIENTATION = 0x0112


@dataclass(frozen=True)
class ImageRefusals:
    """The caller's errors for each way an upload can fail to be a usable image; `noun` starts its
    messages ("L'image", "La photo")."""

    invalid_type: type[DomainError]
    too_many_pixels: type[DomainError]
    unreadable: type[DomainError]
    noun: str = "L'image"


def decode_image(
    upload,
    *,
    formats: tuple[str, ...],
    fit_within: tuple[int, int],
    refusals: ImageRefusals,
    check_size: Callable[[int, int], None] | None = None,
) -> Image.Image:
    """The upload's pixels, upright (a phone's portrait photo is often stored landscape with an
    orientation tag), shrunk (never enlarged) to fit `fit_within`, as a new RGB image without metadata;
    transparency on white. `check_size(width, height)` receives the upright dimensions of the upload
    before anything is decoded and raises to refuse them."""
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
            return _decode(image, fit_within, refusals, check_size)


def _decode(image: ImageFile.ImageFile, fit_within, refusals: ImageRefusals, check_size) -> Image.Image:
    size = image.size
    if size[0] * size[1] > MAX_PIXELS:
        raise refusals.too_many_pixels()
    orientation = _orientation_in_header(image)
    if check_size is not None:
        check_size(*_upright(size, orientation))
    box = _draft(image, _stored_size(size, fit_within, orientation))
    # Again from what will be decoded: a JPEG drafted below the stored size to fit the budget stays so.
    target = _stored_size(image.size, fit_within, orientation)
    needed = decoding_bytes(image)
    if needed > MAX_DECODED_BYTES:
        raise refusals.too_many_pixels(_too_large_message(refusals.noun, size, needed))
    try:
        image.load()
        late = _orientation(image)  # a PNG may carry its orientation after the pixels
        if late != orientation and check_size is not None:
            check_size(*_upright(size, late))
        small = _flatten_and_shrink(image, target, box)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise refusals.too_many_pixels() from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise refusals.unreadable() from error
    if late in TRANSPOSITIONS:
        small = small.transpose(TRANSPOSITIONS[late])
    small.thumbnail(fit_within, Image.Resampling.LANCZOS)  # only when a late orientation turned it
    clean = Image.new("RGB", small.size)
    clean.paste(small)
    return clean


def decoding_bytes(image: Image.Image) -> int:
    """The memory decoding `image` (opened, not loaded; drafted for JPEG) holds at once: its pixels as
    Pillow stores them (colour padded to 4 bytes; a palette is turned into colours before resizing) and,
    for WebP, the decoder's own copies."""
    per_pixel = 1 if image.mode in ("1", "L") else 4
    copies = WEBP_DECODING_COPIES if image.format == "WEBP" else 1
    return image.size[0] * image.size[1] * per_pixel * copies


def encode_jpeg(image: Image.Image, *, quality: int, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, **options)
    return buffer.getvalue()


# --- Geometry --------------------------------------------------------------------------------------


def _orientation_in_header(image: Image.Image) -> int:
    """The EXIF orientation read from the header, without decoding (a PNG's getexif() would decode)."""
    raw = image.info.get("exif")
    if not raw:
        return 1
    try:
        exif = Image.Exif()
        exif.load(raw)
        return int(exif.get(EXIF_ORIENTATION, 1))
    except Exception:  # a broken EXIF block is no reason to refuse the picture
        return 1


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(EXIF_ORIENTATION, 1))
    except Exception:
        return 1


def _upright(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _stored_size(size: tuple[int, int], fit_within: tuple[int, int], orientation: int) -> tuple[int, int]:
    """The size to shrink to, in the file's own orientation (turned upright afterwards)."""
    width, height = _upright(size, orientation)
    scale = min(fit_within[0] / width, fit_within[1] / height, 1.0)
    upright = (max(1, round(width * scale)), max(1, round(height * scale)))
    return _upright(upright, orientation)


def _draft(image: ImageFile.ImageFile, target: tuple[int, int]) -> tuple[float, float, float, float] | None:
    """JPEG only: decode directly at 1/2, 1/4 or 1/8 of the size. The least reduction that keeps twice
    the target size (what a clean LANCZOS resize wants), more if the pixels would not fit the memory
    budget (the stored image is then a little smaller than `fit_within`). Returns the region of the
    decoded image that maps the whole original, for an exact resize."""
    if not isinstance(image, JpegImagePlugin.JpegImageFile):  # a phone's MPO file is one too
        return None
    width, height = image.size
    scale = 1
    while scale < 8 and width // (scale * 2) >= 2 * target[0] and height // (scale * 2) >= 2 * target[1]:
        scale *= 2
    per_pixel = 1 if image.mode == "L" else 4
    while scale < 8 and math.ceil(width / scale) * math.ceil(height / scale) * per_pixel > MAX_DECODED_BYTES:
        scale *= 2
    if scale == 1:
        return None
    # Pillow picks the largest of 8, 4, 2, 1 not above min(width // w, height // h): exactly `scale`.
    drafted = image.draft(None, (width // scale, height // scale))
    return drafted[1] if drafted else None


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )


def _flatten_and_shrink(image: Image.Image, target: tuple[int, int], box) -> Image.Image:
    """Full-size decoded pixels -> RGB (or grey) at `target` size. Each full-size buffer is released as
    soon as the next one exists, so two at most are alive at once."""
    if _has_alpha(image):
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        if rgba is not image:
            image.close()
        work = Image.new("RGB", rgba.size, WHITE)
        work.paste(rgba, mask=rgba)
        rgba.close()
    elif image.mode in ("RGB", "L"):
        work = image
    elif image.mode == "1":  # stays one byte per pixel until it is small
        work = image.convert("L")
        image.close()
    else:  # palette, CMYK, 16-bit grey...
        work = image.convert("RGB")
        image.close()
    if work.size != target:
        shrunk = work.resize(target, Image.Resampling.LANCZOS, box=box, reducing_gap=2.0)
        work.close()
        work = shrunk
    return work if work.mode == "RGB" else work.convert("RGB")


def _too_large_message(noun: str, size: tuple[int, int], needed: int) -> str:
    """Says how large it is once decoded and what to send instead."""
    ratio = math.sqrt(MAX_DECODED_BYTES / needed)
    example = (max(1, int(size[0] * ratio) // 100 * 100), max(1, int(size[1] * ratio) // 100 * 100))
    decoded_mb = math.ceil(needed / 1024 / 1024)
    return (
        f"{noun} est trop grande pour être traitée : {size[0]} × {size[1]} pixels, soit {decoded_mb} Mo "
        f"une fois décompressée ({MAX_DECODED_BYTES // 1024 // 1024} Mo au maximum). Réduisez ses "
        f"dimensions (par exemple {example[0]} × {example[1]} pixels) ou enregistrez-la en JPEG, "
        "puis envoyez-la de nouveau."
    )
