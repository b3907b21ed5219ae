import pytest
from django.db import transaction
from django.test.utils import override_settings

from passculture.demo.loader import DemoLoader


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory, _identity_documents_dir):
    """The demo loaded once per module (it takes seconds), rolled back at the end of the module."""
    media = tmp_path_factory.mktemp("media")
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        override_settings(
            MEDIA_ROOT=str(media), IDENTITY_DOCUMENTS_ROOT=_identity_documents_dir, PASSWORD_HASHERS=fast
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        loader = DemoLoader()
        loader.load()
        yield loader
        transaction.set_rollback(True)
