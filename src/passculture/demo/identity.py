"""A demo beneficiary whose identity check waits in the staff queue, with a generated document photo
(clearly a specimen), so that the demo staff account has something to review."""

import datetime as dt
import io

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from passculture.core.common.time import add_years, to_local
from passculture.core.identity.constants import DocumentType
from passculture.core.identity.models import IdentityCheck
from passculture.core.identity.services import submit_identity_check
from passculture.core.identity.validation import IdentityData
from passculture.core.users import services as user_services
from passculture.core.users.constants import Role

from . import data
from .posters import _font, _printable

FIRST_NAME, LAST_NAME = "Lina", "Verdier"
DOCUMENT_NUMBER = "D3M0LV2026"


def render_specimen_card(*, first_name: str, last_name: str, birth_date: dt.date, number: str) -> bytes:
    """A 1000x630 PNG that looks like an identity card and says SPÉCIMEN everywhere it matters."""
    image = Image.new("RGB", (1000, 630), (226, 236, 246))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([10, 10, 989, 619], radius=28, outline=(0, 0, 145), width=6)
    draw.rectangle([10, 10, 989, 90], fill=(0, 0, 145))
    draw.text((40, 28), _printable("RÉPUBLIQUE FRANÇAISE · CARTE D'IDENTITÉ"), font=_font(34), fill="white")
    draw.rectangle([50, 130, 330, 480], fill=(200, 205, 215), outline=(120, 120, 140), width=3)
    draw.ellipse([130, 170, 250, 290], fill=(150, 155, 170))
    draw.rounded_rectangle([100, 300, 280, 470], radius=40, fill=(150, 155, 170))
    label, value = _font(22), _font(34)
    lines = (
        ("NOM", last_name.upper()),
        (_printable("PRÉNOM(S)"), first_name),
        ("NÉ(E) LE", birth_date.strftime("%d %m %Y")),
        (_printable("N° DU DOCUMENT"), number),
    )
    y = 130
    for caption, text in lines:
        draw.text((380, y), _printable(caption), font=label, fill=(70, 70, 90))
        draw.text((380, y + 28), _printable(text), font=value, fill=(20, 20, 40))
        y += 88
    draw.text(
        (50, 525), _printable("SPÉCIMEN · DÉMONSTRATION · SANS VALEUR"), font=_font(36), fill=(190, 0, 0)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def create_pending_identity_check(at: dt.datetime) -> IdentityCheck:
    """Idempotent: the demo beneficiary and their open check are created once."""
    email = data.YOUNG_PENDING_EMAIL
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    today = to_local(at, settings.TIME_ZONE).date()
    if user is None:
        user = user_services.create_user(
            email=email,
            password=data.DEMO_PASSWORD,
            role=Role.BENEFICIARY,
            first_name=FIRST_NAME,
            last_name=LAST_NAME,
            birth_date=add_years(today, -18) - dt.timedelta(days=20),
            phone_number="+33612000005",
            postal_code="69002",
            city="Lyon",
            is_email_validated=True,
        )
    existing = IdentityCheck.objects.filter(user=user).order_by("-id").first()
    if existing is not None:
        return existing
    assert user.birth_date is not None
    photo = render_specimen_card(
        first_name=FIRST_NAME, last_name=LAST_NAME, birth_date=user.birth_date, number=DOCUMENT_NUMBER
    )
    return submit_identity_check(
        user,
        IdentityData(
            document_type=DocumentType.IDENTITY_CARD,
            document_number=DOCUMENT_NUMBER,
            first_name=FIRST_NAME,
            last_name=LAST_NAME,
            birth_date=user.birth_date,
        ),
        photo=ContentFile(photo, name="carte.png"),
        at=at - dt.timedelta(hours=20),
    )
