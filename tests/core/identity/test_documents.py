import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from passculture.core.identity.documents import MAX_PHOTO_BYTES, prepare_document_photo, sniff_content_type
from passculture.interfaces.uploads import OversizedUpload
from tests.helpers import error_code
from tests.image_files import PDF_BYTES, image_bytes, png_header_only


def upload(content: bytes, name="piece.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_jpeg_and_png_are_accepted_and_stored_as_jpeg(fmt):
    prepared = prepare_document_photo(upload(image_bytes(fmt, (1200, 800))))
    assert prepared.name.endswith(".jpg")
    with Image.open(io.BytesIO(prepared.read())) as image:
        assert (image.format, image.size) == ("JPEG", (1200, 800))


def test_the_location_and_camera_metadata_are_dropped():
    prepared = prepare_document_photo(
        upload(image_bytes("JPEG", (1200, 800), gps=True), "p.jpg", "image/jpeg")
    )
    with Image.open(io.BytesIO(prepared.read())) as image:
        assert not image.getexif()
        assert "exif" not in image.info


def test_a_sideways_phone_photo_is_turned_upright():
    prepared = prepare_document_photo(
        upload(image_bytes("JPEG", (1200, 800), orientation=6), "p.jpg", "image/jpeg")
    )
    with Image.open(io.BytesIO(prepared.read())) as image:
        assert image.size == (800, 1200)


def test_a_huge_photo_is_scaled_down_to_2400_pixels():
    prepared = prepare_document_photo(upload(image_bytes("PNG", (4000, 3000))))
    with Image.open(io.BytesIO(prepared.read())) as image:
        assert image.size == (2400, 1800)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (PDF_BYTES, "DOCUMENT_PHOTO_INVALID_TYPE"),
        (b"GIF89a" + b"\x00" * 100, "DOCUMENT_PHOTO_INVALID_TYPE"),
        (image_bytes("WEBP", (900, 600)), "DOCUMENT_PHOTO_INVALID_TYPE"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "DOCUMENT_PHOTO_INVALID_TYPE"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "DOCUMENT_PHOTO_INVALID_TYPE"),  # PNG magic, no PNG header
        (image_bytes("JPEG", (900, 600))[:2000], "DOCUMENT_PHOTO_UNREADABLE"),  # cut short
        (image_bytes("PNG", (500, 300)), "DOCUMENT_PHOTO_TOO_SMALL"),
        (png_header_only(20_000, 20_000), "DOCUMENT_PHOTO_TOO_MANY_PIXELS"),
        (b"", "DOCUMENT_PHOTO_REQUIRED"),
    ],
    ids=["pdf", "gif", "webp", "svg", "fake-png", "truncated", "too-small", "bomb", "empty"],
)
def test_anything_else_is_refused_with_its_code(content, code):
    assert error_code(prepare_document_photo, upload(content)) == code


def test_the_declared_name_and_type_are_ignored():
    # A PDF named like a photo and declared as one is still a PDF.
    assert error_code(prepare_document_photo, upload(PDF_BYTES, "photo.jpg", "image/jpeg")) == (
        "DOCUMENT_PHOTO_INVALID_TYPE"
    )
    # A real PNG named .pdf is a photo.
    assert prepare_document_photo(upload(image_bytes("PNG", (900, 600)), "scan.pdf", "application/pdf"))


def test_a_file_over_10_mb_is_refused_before_being_read():
    class Huge(io.BytesIO):
        size = MAX_PHOTO_BYTES + 1

        def read(self, *args):
            raise AssertionError("an oversized file must not be decoded")

    assert error_code(prepare_document_photo, Huge()) == "DOCUMENT_PHOTO_TOO_LARGE"


def test_a_file_dropped_by_the_upload_limit_is_too_large(settings):
    settings.MAX_UPLOAD_FILE_BYTES = 1000
    dropped = OversizedUpload("piece.png", "image/png", 5000)
    assert error_code(prepare_document_photo, dropped) == "DOCUMENT_PHOTO_TOO_LARGE"


def test_no_photo_is_required_error():
    assert error_code(prepare_document_photo, None) == "DOCUMENT_PHOTO_REQUIRED"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"<html>", None),
        (b"%PDF", None),
    ],
)
def test_only_jpeg_and_png_are_recognised_when_serving(head, expected):
    assert sniff_content_type(head) == expected
