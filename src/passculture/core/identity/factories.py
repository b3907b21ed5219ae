import datetime as dt

import factory
from django.utils import timezone

from .constants import CheckStatus, DocumentType
from .documents import PreparedPhoto
from .models import IdentityCheck


def sample_photo_bytes(size=(900, 600), color=(230, 230, 240)) -> bytes:
    """A plain JPEG the size of a document photo (tests and demo)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="JPEG")
    return buffer.getvalue()


class IdentityCheckFactory(factory.django.DjangoModelFactory):
    """A check waiting for review, with the account's own names and birth date (no mismatch)."""

    class Meta:
        model = IdentityCheck

    user = factory.SubFactory("passculture.core.users.factories.UserFactory")
    status = CheckStatus.SUBMITTED
    document_type = DocumentType.IDENTITY_CARD
    document_number = factory.Sequence(lambda n: f"X4RTBPFW{n:04d}")
    first_name = factory.LazyAttribute(lambda o: o.user.first_name)
    last_name = factory.LazyAttribute(lambda o: o.user.last_name)
    birth_date = factory.LazyAttribute(lambda o: o.user.birth_date or dt.date(2008, 1, 1))
    submitted_at = factory.LazyFunction(timezone.now)

    class Params:
        with_photo = factory.Trait(
            document_photo=factory.LazyFunction(lambda: PreparedPhoto(sample_photo_bytes(), name="photo.jpg"))
        )
