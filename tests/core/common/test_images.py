"""What an upload costs once decoded is checked from its header, before any pixel is decoded, for both
upload paths (offer images and identity document photos); what is accepted is decoded and shrunk with
bounded memory (the peaks are measured by benchmarks/scenarios/image_memory.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, ImageFile

from passculture.core.common import images
from passculture.core.common.exceptions import DomainError
from passculture.core.identity.documents import prepare_document_photo
from passculture.core.offers.images import prepare_offer_image
from tests.image_files import PNG_RGBA, png_header_only

PATHS = {
    "offer": (prepare_offer_image, "IMAGE_", "L'image"),
    "identity": (prepare_document_photo, "DOCUMENT_PHOTO_", "La photo"),
}


def upload(content: bytes, name: str = "image.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/octet-stream")


def refusal(prepare, content: bytes) -> DomainError:
    with pytest.raises(DomainError) as raised:
        prepare(upload(content))
    return raised.value


def stored(prepared) -> Image.Image:
    image = Image.open(io.BytesIO(prepared.read()))
    image.load()
    return image


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The size at which each image is actually decoded."""
    sizes = []
    load = ImageFile.ImageFile.load

    def spy(self):
        if self.tile:
            sizes.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return sizes


@pytest.fixture
def no_decoding(monkeypatch):
    def refuse(self):
        raise AssertionError("decoded although its header was enough to refuse it")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def test_pillow_s_own_bomb_check_uses_the_same_pixel_limit_in_the_whole_process():
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS == 64_000_000


@pytest.mark.parametrize("path", PATHS)
def test_an_8000x8000_rgba_png_is_refused_from_its_header_with_its_decoded_size(path, no_decoding):
    # 64 million pixels, within the pixel limit, but 256 MB once decoded (the file itself: 250 KB).
    prepare, prefix, noun = PATHS[path]

    error = refusal(prepare, png_header_only(8000, 8000, PNG_RGBA))

    assert error.code == f"{prefix}TOO_MANY_PIXELS"
    assert error.message.startswith(f"{noun} est trop grande pour être traitée : 8000 × 8000 pixels")
    assert "soit 245 Mo une fois décompressée (64 Mo au maximum)" in error.message
    assert "par exemple 4000 × 4000 pixels" in error.message


@pytest.mark.parametrize("path", PATHS)
def test_the_decoded_size_limit_counts_4_bytes_per_colour_pixel(path):
    prepare, prefix, _ = PATHS[path]
    # 4096 x 4096 x 4 bytes is exactly the limit: it goes on to decoding (here cut short: unreadable).
    assert refusal(prepare, png_header_only(4096, 4096, PNG_RGBA)).code == f"{prefix}UNREADABLE"
    assert refusal(prepare, png_header_only(4097, 4096, PNG_RGBA)).code == f"{prefix}TOO_MANY_PIXELS"


@pytest.mark.parametrize("path", PATHS)
def test_more_than_64_million_pixels_is_refused_before_decoding(path, no_decoding):
    prepare, prefix, _ = PATHS[path]
    assert refusal(prepare, png_header_only(8001, 8000)).code == f"{prefix}TOO_MANY_PIXELS"


@pytest.mark.parametrize(("path", "stored_size"), [("offer", (800, 800)), ("identity", (2400, 2400))])
def test_the_largest_accepted_rgba_png_is_stored_shrunk_with_its_transparency_on_white(path, stored_size):
    picture = Image.new("RGBA", (4096, 4096), (200, 40, 40, 255))
    picture.paste((0, 0, 0, 0), (2048, 2048, 4096, 4096))  # a transparent quarter
    content = encoded(picture, "PNG")
    del picture

    image = stored(PATHS[path][0](upload(content)))

    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", stored_size)
    assert all(channel > 245 for channel in image.getpixel((stored_size[0] - 5, stored_size[1] - 5)))


def test_a_large_sideways_jpeg_is_decoded_at_half_its_size_and_stored_upright(decoded_sizes):
    # A phone photo, 4800 x 3200 stored landscape with "rotate 90°": a portrait once upright.
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    content = encoded(Image.new("RGB", (4800, 3200), (30, 120, 200)), "JPEG", exif=exif.tobytes())

    prepared = prepare_offer_image(upload(content, "photo.jpg"))

    assert decoded_sizes == [(2400, 1600)]  # libjpeg scaled it down while decoding: a quarter of the pixels
    assert stored(prepared).size == (800, 1200)


def test_a_phone_s_multi_picture_jpeg_is_decoded_scaled_down_too(decoded_sizes):
    first, second = Image.new("RGB", (4800, 3200), (30, 120, 200)), Image.new("RGB", (640, 480))
    content = encoded(first, "MPO", save_all=True, append_images=[second])

    prepared = prepare_offer_image(upload(content, "photo.jpg"))

    assert decoded_sizes == [(2400, 1600)]
    assert stored(prepared).size == (800, 533)


def test_a_jpeg_over_the_memory_budget_at_full_size_is_decoded_smaller_and_stored_a_little_smaller(
    decoded_sizes,
):
    # 4700 x 3600 x 4 bytes is over the budget; at half size it fits, a little under 2400 pixels long.
    content = encoded(Image.new("RGB", (4700, 3600), (30, 120, 200)), "JPEG")

    prepared = prepare_document_photo(upload(content, "photo.jpg"))

    assert decoded_sizes == [(2350, 1800)]
    assert stored(prepared).size == (2350, 1800)


def test_a_webp_counts_the_copies_its_decoder_makes():
    # As a PNG, 2900 x 2900 would be accepted; Pillow decodes a WebP through four buffers.
    content = encoded(Image.new("RGBA", (2900, 2900), (200, 40, 40, 128)), "WEBP", lossless=True)

    error = refusal(prepare_offer_image, content)

    assert error.code == "IMAGE_TOO_MANY_PIXELS"
    assert "soit 129 Mo une fois décompressée" in error.message
    small = encoded(Image.new("RGBA", (2048, 2048), (200, 40, 40, 128)), "WEBP", lossless=True)
    assert stored(prepare_offer_image(upload(small))).size == (800, 800)


@pytest.mark.parametrize("path", PATHS)
def test_a_truncated_image_gets_the_french_unreadable_error(path):
    prepare, prefix, noun = PATHS[path]
    whole = encoded(Image.new("RGB", (1200, 1800), (30, 120, 200)), "PNG")

    error = refusal(prepare, whole[: len(whole) // 2])

    assert error.code == f"{prefix}UNREADABLE"
    assert error.message.startswith(f"{noun} est illisible ou incomplète")


@pytest.mark.parametrize("path", PATHS)
def test_a_too_small_image_is_refused_before_decoding(path, no_decoding):
    prepare, prefix, _ = PATHS[path]
    assert refusal(prepare, png_header_only(300, 200)).code == f"{prefix}TOO_SMALL"
