"""Where document photos live: a private directory, outside MEDIA_ROOT, with no URL.

Document photos are personal data. Offer images are public files under MEDIA_URL; these must never be:
this storage has no URL at all (`url()` refuses), its files and directories are readable by the
server's user only, and the only way to see a photo is the staff-only back-office view, which streams
it. The directory is read from settings on each use, so tests (and operators) can move it.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage


class PrivateDocumentStorage(FileSystemStorage):
    def __init__(self) -> None:
        super().__init__(file_permissions_mode=0o600, directory_permissions_mode=0o700)

    @property  # type: ignore[override]  # read on each use: the setting may change (tests)
    def base_location(self) -> str:
        root = Path(settings.IDENTITY_DOCUMENTS_ROOT).resolve()
        media = Path(settings.MEDIA_ROOT).resolve()
        if root == media or media in root.parents:
            # Under MEDIA_ROOT the development server (and many proxies) would serve the photos.
            raise ImproperlyConfigured("IDENTITY_DOCUMENTS_ROOT must not be inside MEDIA_ROOT.")
        return str(root)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    @property  # type: ignore[override]
    def base_url(self) -> str:
        raise ValueError("Identity documents have no URL: they are served by the staff-only view.")

    def url(self, name):
        raise ValueError("Identity documents have no URL: they are served by the staff-only view.")


_storage = PrivateDocumentStorage()


def private_documents_storage() -> PrivateDocumentStorage:
    """The storage of IdentityCheck.document_photo (a callable, so migrations do not freeze a path)."""
    return _storage
