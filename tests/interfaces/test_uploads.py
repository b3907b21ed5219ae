from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from passculture.interfaces.uploads import OversizedUpload


def parsed_upload(settings, size: int):
    settings.MAX_UPLOAD_FILE_BYTES = 1000
    request = RequestFactory().post("/", {"image": SimpleUploadedFile("a.jpg", b"x" * size)})
    return request.FILES["image"]


def test_a_file_over_the_limit_reaches_the_form_empty_with_the_size_sent(settings):
    upload = parsed_upload(settings, 5000)
    assert isinstance(upload, OversizedUpload)
    assert upload.size > 1000
    assert upload.read() == b""
    assert upload.name == "a.jpg"


def test_a_file_within_the_limit_is_kept_whole(settings):
    upload = parsed_upload(settings, 1000)
    assert not isinstance(upload, OversizedUpload)
    assert upload.read() == b"x" * 1000
