import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from passculture.core.credit.models import Deposit
from passculture.core.identity.constants import CheckStatus, RejectionReason
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.identity.models import IdentityCheck
from passculture.core.identity.services import approve_identity_check, reject_identity_check
from passculture.core.users.factories import ProFactory, StaffFactory, UserFactory
from tests.identity_helpers import file_upload, photo_upload, private_documents  # noqa: F401
from tests.image_files import PDF_BYTES, PNG_RGBA, png_header_only

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_documents")]
URL = "/identite/"
NOW = dt.datetime(2026, 3, 10, 11, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def young(birth_date=dt.date(2008, 1, 10), **fields):
    fields.setdefault("last_name", "Martin")
    fields.setdefault("first_name", "Camille")
    return UserFactory(birth_date=birth_date, **fields)


def form_data(**overrides):
    data = {
        "document_type": "IDENTITY_CARD",
        "document_number": "X4RT BPFW4",
        "last_name": "Martin",
        "first_name": "Camille",
        "birth_date": "2008-01-10",
        "photo": photo_upload("PNG"),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def logged_in(client, user):
    client.force_login(user)
    return client


def test_the_url_name_is_the_contract():
    assert reverse("app:identity") == URL


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("app:login"))


@pytest.mark.parametrize("factory", [ProFactory, StaffFactory])
def test_pros_and_staff_cannot_use_the_page(client, factory):
    response = logged_in(client, factory()).get(URL)
    assert response.status_code == 403


def test_an_eligible_beneficiary_sees_why_and_the_form_prefilled_from_the_account(client):
    content = logged_in(client, young(first_name="Jeanne")).get(URL).content.decode()
    assert "300\u00a0€" in content
    assert "jamais par les cinémas" in content
    assert 'name="photo"' in content and 'accept="image/jpeg,image/png"' in content
    assert 'value="Jeanne"' in content and 'value="2008-01-10"' in content
    for label in ("Carte nationale d'identité", "Passeport", "Titre de séjour"):
        assert label in content


def test_submitting_the_form_with_a_png_sends_the_check(client):
    user = young()
    response = logged_in(client, user).post(URL, form_data())
    assert response.status_code == 302
    check = IdentityCheck.objects.get(user=user)
    assert (check.status, check.document_number, check.birth_date) == (
        "SUBMITTED",
        "X4RTBPFW4",
        dt.date(2008, 1, 10),
    )
    assert check.document_photo

    content = client.get(URL).content.decode()
    assert 'id="identity-submitted"' in content
    assert "en cours de vérification" in content
    assert "X4RTBPFW4" in content  # the user sees their own document number
    assert 'name="photo"' not in content


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        (file_upload(PDF_BYTES, "piece.pdf", "application/pdf"), "Format non accepté"),
        (file_upload(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 40, "piece.png"), "illisible"),
        (photo_upload("PNG", size=(300, 200)), "trop petite"),
        (file_upload(png_header_only(8000, 8000, PNG_RGBA)), "trop grande pour être traitée"),
        (None, "Ajoute une photo du document."),
    ],
    ids=["pdf", "fake-png", "too-small", "too-large-once-decoded", "missing"],
)
def test_a_bad_photo_is_refused_next_to_the_field(client, photo, message):
    response = logged_in(client, young()).post(URL, form_data(photo=photo))
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="id_photo-error"' in content
    assert message in content
    assert not IdentityCheck.objects.exists()


def test_a_photo_over_the_upload_limit_is_refused_as_too_large(client, settings):
    settings.MAX_UPLOAD_FILE_BYTES = 2_000  # the upload handler drops the rest of the file
    response = logged_in(client, young()).post(URL, form_data(photo=photo_upload("PNG", size=(900, 600))))
    assert response.status_code == 400
    assert "trop lourde" in response.content.decode()
    assert not IdentityCheck.objects.exists()


def test_a_document_under_18_is_refused_next_to_the_birth_date(client):
    response = logged_in(client, young()).post(URL, form_data(birth_date="2008-06-01"))
    assert response.status_code == 400
    content = response.content.decode()
    assert 'id="id_birth_date-error"' in content and "Pas encore" in content
    assert not IdentityCheck.objects.exists()


def test_an_invalid_document_number_is_refused_next_to_its_field(client):
    response = logged_in(client, young()).post(URL, form_data(document_number="12"))
    assert response.status_code == 400
    assert 'id="id_document_number-error"' in response.content.decode()


def test_under_18_the_page_explains_when_without_a_form(client):
    user = young(dt.date(2008, 6, 1))
    content = logged_in(client, user).get(URL).content.decode()
    assert 'id="identity-not-yet"' in content and "1 juin 2026" in content
    assert 'name="photo"' not in content
    response = client.post(URL, form_data(birth_date="2008-06-01"))
    assert response.status_code == 302
    assert not IdentityCheck.objects.exists()


def test_over_19_the_page_explains_without_a_form(client):
    content = logged_in(client, young(dt.date(2007, 1, 10))).get(URL).content.decode()
    assert 'id="identity-no-longer"' in content and "9 janvier 2026" in content
    assert 'name="photo"' not in content


def test_the_email_must_be_confirmed_first(client):
    content = logged_in(client, young(is_email_validated=False)).get(URL).content.decode()
    assert 'id="identity-email-first"' in content
    assert "Confirme d'abord ton adresse email" in content
    assert 'name="photo"' not in content


def test_a_rejected_check_shows_the_reason_and_a_resubmit_form(client):
    user = young()
    check = IdentityCheckFactory(user=user, first_name="Camille", last_name="Martin")
    reject_identity_check(
        check, StaffFactory(), reason=RejectionReason.DOCUMENT_EXPIRED, comment="Expirée en 2024."
    )
    content = logged_in(client, user).get(URL).content.decode()
    assert 'id="identity-rejected"' in content
    assert "Motif : Document expiré." in content
    assert "Expirée en 2024." in content
    assert "Envoyez un document en cours de validité." in content
    assert "Envoyer une nouvelle demande" in content and 'name="photo"' in content

    assert client.post(URL, form_data()).status_code == 302
    assert list(IdentityCheck.objects.filter(user=user).values_list("status", flat=True).order_by("id")) == [
        CheckStatus.REJECTED,
        CheckStatus.SUBMITTED,
    ]


def test_an_approved_check_shows_the_credit(client):
    user = young()
    check = IdentityCheckFactory(user=user)
    approve_identity_check(check, StaffFactory())
    content = logged_in(client, user).get(URL).content.decode()
    assert 'id="identity-approved"' in content
    assert "300\u00a0€" in content and "10 mars 2028" in content
    assert 'name="photo"' not in content
    assert client.post(URL, form_data()).status_code == 302
    assert Deposit.objects.filter(user=user).count() == 1


def test_a_beneficiary_never_sees_another_s_check(client):
    other = IdentityCheckFactory(document_number="ZZOTHER999")
    content = logged_in(client, young()).get(URL).content.decode()
    assert other.document_number not in content
    assert 'name="photo"' in content
