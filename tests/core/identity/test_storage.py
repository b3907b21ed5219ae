import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile

from passculture.core.identity.storage import private_documents_storage


def test_photos_have_no_url():
    with pytest.raises(ValueError):
        private_documents_storage().url("checks/2026/03/a.jpg")


def test_files_and_directories_are_private_to_the_server_user(private_documents):
    storage = private_documents_storage()
    name = storage.save("checks/2026/03/a.jpg", ContentFile(b"\xff\xd8\xff"))
    path = private_documents / name
    assert path.read_bytes() == b"\xff\xd8\xff"
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_the_directory_follows_the_setting(settings, tmp_path):
    settings.IDENTITY_DOCUMENTS_ROOT = tmp_path / "elsewhere"
    assert private_documents_storage().location == str(tmp_path / "elsewhere")


@pytest.mark.parametrize("inside", ["", "identity"])
def test_a_directory_inside_media_root_is_refused(settings, tmp_path, inside):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IDENTITY_DOCUMENTS_ROOT = tmp_path / "media" / inside
    with pytest.raises(ImproperlyConfigured):
        private_documents_storage().save("a.jpg", ContentFile(b"x"))
