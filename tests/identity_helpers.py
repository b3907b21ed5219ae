"""Shared by the identity-check tests (core, app, API, back office)."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from passculture.core.identity.constants import DocumentType
from passculture.core.identity.validation import IdentityData
from tests.image_files import image_bytes


@pytest.fixture
def private_documents(settings, tmp_path):
    """Document photos go to a temporary private directory (never var/ nor MEDIA_ROOT)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.IDENTITY_DOCUMENTS_ROOT = tmp_path / "private" / "identity"
    return settings.IDENTITY_DOCUMENTS_ROOT


def identity_data(user=None, **overrides) -> IdentityData:
    """The details of a French identity card matching the user's account."""
    values = {
        "document_type": DocumentType.IDENTITY_CARD,
        "document_number": "X4RTBPFW4",
        "first_name": user.first_name if user else "Camille",
        "last_name": user.last_name if user else "Martin",
        "birth_date": user.birth_date if user else dt.date(2008, 1, 1),
    }
    values.update(overrides)
    return IdentityData(**values)


def photo_upload(fmt: str = "PNG", size=(900, 600), name: str | None = None, **kwargs) -> SimpleUploadedFile:
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg"}.get(fmt, "application/octet-stream")
    return SimpleUploadedFile(name or f"piece.{fmt.lower()}", image_bytes(fmt, size, **kwargs), content_type)


def file_upload(
    content: bytes, name: str = "piece.png", content_type: str = "image/png"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type)


def stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def jpeg_bytes(size=(900, 600)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (240, 240, 240)).save(buffer, format="JPEG")
    return buffer.getvalue()
