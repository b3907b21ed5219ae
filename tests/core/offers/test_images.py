import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from passculture.core.offers.images import MAX_IMAGE_BYTES, prepare_offer_image
from tests.helpers import error_code
from tests.image_files import PDF_BYTES, image_bytes, png_header_only


def upload(content: bytes, name: str = "affiche.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def decoded(prepared) -> Image.Image:
    image = Image.open(io.BytesIO(prepared.read()))
    image.load()
    return image


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted_and_stored_as_jpeg(fmt):
    prepared = prepare_offer_image(upload(image_bytes(fmt), name=f"affiche.{fmt.lower()}"))
    assert prepared.name.endswith(".jpg")
    assert decoded(prepared).format == "JPEG"


def test_image_smaller_than_400x600_is_refused():
    assert error_code(prepare_offer_image, upload(image_bytes(size=(399, 600)))) == "IMAGE_TOO_SMALL"
    assert error_code(prepare_offer_image, upload(image_bytes(size=(400, 599)))) == "IMAGE_TOO_SMALL"


def test_image_of_exactly_400x600_is_accepted():
    assert decoded(prepare_offer_image(upload(image_bytes(size=(400, 600))))).size == (400, 600)


def test_file_over_10_mb_is_refused_without_being_read():
    class Unreadable(io.BytesIO):
        size = MAX_IMAGE_BYTES + 1

        def read(self, *args):
            raise AssertionError("an oversized file must not be read")

    assert error_code(prepare_offer_image, Unreadable()) == "IMAGE_TOO_LARGE"


def test_gif_renamed_jpg_is_refused():
    gif = image_bytes("GIF")
    assert error_code(prepare_offer_image, upload(gif, name="affiche.jpg")) == "IMAGE_INVALID_TYPE"


def test_pdf_renamed_jpg_is_refused():
    assert error_code(prepare_offer_image, upload(PDF_BYTES, name="affiche.jpg")) == "IMAGE_INVALID_TYPE"


def test_exif_gps_position_and_camera_are_removed():
    original = image_bytes(gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test has GPS data
    image = decoded(prepare_offer_image(upload(original)))
    assert not image.getexif()
    assert "exif" not in image.info
    assert b"PhoneMaker" not in prepare_offer_image(upload(original)).read()


def test_large_image_is_resized_to_fit_800x1200_keeping_its_ratio():
    assert decoded(prepare_offer_image(upload(image_bytes(size=(1600, 2400))))).size == (800, 1200)
    assert decoded(prepare_offer_image(upload(image_bytes(size=(1000, 3000))))).size == (400, 1200)


def test_small_enough_image_is_not_enlarged():
    assert decoded(prepare_offer_image(upload(image_bytes(size=(500, 700))))).size == (500, 700)


def test_portrait_photo_stored_sideways_is_turned_upright_before_the_size_check():
    # 900 x 600 pixels with "rotate 90°" (EXIF orientation 6): a 600 x 900 portrait once upright.
    image = decoded(prepare_offer_image(upload(image_bytes(size=(900, 600), orientation=6))))
    assert image.size == (600, 900)


def test_truncated_file_is_refused():
    whole = image_bytes(size=(800, 1200))
    assert error_code(prepare_offer_image, upload(whole[: len(whole) // 2])) == "IMAGE_UNREADABLE"


def test_decompression_bomb_is_refused_before_decoding():
    bomb = png_header_only(30_000, 30_000)
    assert len(bomb) < 1_000
    assert error_code(prepare_offer_image, upload(bomb, name="a.png")) == "IMAGE_TOO_MANY_PIXELS"


def test_image_above_64_megapixels_is_refused_before_decoding():
    header = png_header_only(9_000, 8_000)
    assert error_code(prepare_offer_image, upload(header, name="a.png")) == "IMAGE_TOO_MANY_PIXELS"
