import datetime as dt

import pytest
import time_machine
from django.test import Client

from passculture.core.identity.constants import RejectionReason
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.identity.models import IdentityCheck
from passculture.core.identity.services import approve_identity_check, reject_identity_check
from passculture.core.users import tokens
from passculture.core.users.factories import ProFactory, StaffFactory, UserFactory
from tests.identity_helpers import file_upload, photo_upload, private_documents  # noqa: F401
from tests.image_files import PDF_BYTES, PNG_RGBA, png_header_only

from .conftest import BASE

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_documents")]
ROUTE = f"{BASE}/identity_check"
NOW = dt.datetime(2026, 3, 10, 11, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def young(birth_date=dt.date(2008, 1, 10), **fields):
    fields.setdefault("last_name", "Martin")
    fields.setdefault("first_name", "Camille")
    return UserFactory(birth_date=birth_date, **fields)


class Multipart:
    """A client for the identity route: GET, and POST as multipart/form-data."""

    def __init__(self, user=None):
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens.issue_access_token(user)}"} if user else {}

    def get(self):
        return self.client.get(ROUTE, **self.headers)

    def post(self, **overrides):
        data = {
            "documentType": "PASSPORT",
            "documentNumber": "12AB34567",
            "firstName": "Camille",
            "lastName": "Martin",
            "birthDate": "2008-01-10",
            "photo": photo_upload("JPEG"),
        }
        data.update(overrides)
        return self.client.post(ROUTE, {k: v for k, v in data.items() if v is not None}, **self.headers)


def assert_error(response, status, code):
    body = response.json()
    assert (response.status_code, body["code"]) == (status, code), body
    assert body["message"]


# --- GET ------------------------------------------------------------------------------------------


def test_get_without_token_is_401_unauthenticated():
    assert_error(Multipart().get(), 401, "UNAUTHENTICATED")


def test_get_before_any_check_says_the_beneficiary_can_submit():
    body = Multipart(young()).get().json()
    assert body["status"] == "NOT_STARTED"
    assert (body["canSubmit"], body["cannotSubmit"], body["check"], body["credit"]) == (
        True,
        None,
        None,
        None,
    )
    assert body["eligibility"]["status"] == "ELIGIBLE"
    assert [t["code"] for t in body["acceptedDocumentTypes"]] == [
        "IDENTITY_CARD",
        "PASSPORT",
        "RESIDENCE_PERMIT",
    ]


def test_get_under_18_says_why_not_and_from_when():
    body = Multipart(young(dt.date(2008, 6, 1))).get().json()
    assert body["canSubmit"] is False
    assert body["cannotSubmit"]["code"] == "NOT_YET_ELIGIBLE"
    assert body["eligibility"]["eligibleFrom"] == "2026-06-01"


def test_get_with_an_unconfirmed_email_says_to_confirm_it_first():
    body = Multipart(young(is_email_validated=False)).get().json()
    assert body["cannotSubmit"]["code"] == "EMAIL_NOT_VALIDATED"


def test_get_after_a_rejection_gives_the_reason_and_allows_a_new_submission():
    user = young()
    check = IdentityCheckFactory(user=user)
    reject_identity_check(check, StaffFactory(), reason=RejectionReason.UNREADABLE_DOCUMENT, comment="Flou.")
    body = Multipart(user).get().json()
    assert (body["status"], body["canSubmit"]) == ("REJECTED", True)
    rejection = body["check"]["rejection"]
    assert (rejection["code"], rejection["comment"]) == ("UNREADABLE_DOCUMENT", "Flou.")
    assert rejection["label"] and rejection["hint"]


def test_get_after_approval_gives_the_credit():
    user = young()
    approve_identity_check(IdentityCheckFactory(user=user), StaffFactory())
    body = Multipart(user).get().json()
    assert (body["status"], body["check"]["status"]) == ("APPROVED", "APPROVED")
    assert body["credit"]["amount"] == 300_00
    assert body["credit"]["expirationDate"].startswith("2028-03-10")
    assert body["cannotSubmit"]["code"] == "IDENTITY_ALREADY_VERIFIED"


def test_get_shows_only_the_caller_s_own_check():
    IdentityCheckFactory(document_number="OTHERS1234")
    body = Multipart(young()).get().json()
    assert body["check"] is None


# --- POST -----------------------------------------------------------------------------------------


def test_post_sends_the_check_and_answers_201_with_the_new_state():
    user = young()
    response = Multipart(user).post()
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["status"], body["check"]["documentType"], body["check"]["hasPhoto"]) == (
        "SUBMITTED",
        "PASSPORT",
        True,
    )
    assert body["check"]["documentNumber"] == "12AB34567"
    assert IdentityCheck.objects.get(user=user).status == "SUBMITTED"


def test_post_without_token_is_401():
    assert_error(Multipart().post(), 401, "UNAUTHENTICATED")


def test_post_without_photo_is_422_on_the_photo_field():
    response = Multipart(young()).post(photo=None)
    assert_error(response, 422, "INVALID_INPUT")
    assert response.json()["errors"][0]["loc"][-1] == "photo"


@pytest.mark.parametrize(
    ("field", "value"), [("documentType", "DRIVING_LICENCE"), ("birthDate", "10/01/2008")]
)
def test_post_with_a_value_outside_the_schema_is_422(field, value):
    assert_error(Multipart(young()).post(**{field: value}), 422, "INVALID_INPUT")


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"photo": file_upload(PDF_BYTES, "piece.pdf", "application/pdf")}, "DOCUMENT_PHOTO_INVALID_TYPE"),
        ({"photo": file_upload(b"\x89PNG\r\n\x1a\n" + b"0" * 500)}, "DOCUMENT_PHOTO_UNREADABLE"),
        ({"photo": photo_upload("PNG", size=(300, 200))}, "DOCUMENT_PHOTO_TOO_SMALL"),
        ({"photo": file_upload(png_header_only(8000, 8000, PNG_RGBA))}, "DOCUMENT_PHOTO_TOO_MANY_PIXELS"),
        ({"documentNumber": "12"}, "INVALID_DOCUMENT_NUMBER"),
        ({"lastName": "M4rtin"}, "INVALID_IDENTITY_NAME"),
        ({"birthDate": "2030-01-01"}, "INVALID_BIRTH_DATE"),
    ],
)
def test_post_with_bad_data_is_400_with_its_code(overrides, code):
    assert_error(Multipart(young()).post(**overrides), 400, code)
    assert not IdentityCheck.objects.exists()


def test_post_over_the_upload_limit_is_400_photo_too_large(settings):
    settings.MAX_UPLOAD_FILE_BYTES = 2_000
    assert_error(Multipart(young()).post(), 400, "DOCUMENT_PHOTO_TOO_LARGE")


@pytest.mark.parametrize(
    ("user_factory", "overrides", "code"),
    [
        (lambda: young(is_email_validated=False), {}, "EMAIL_NOT_VALIDATED"),
        (lambda: young(), {"birthDate": "2008-06-01"}, "NOT_YET_ELIGIBLE"),
        (lambda: young(dt.date(2007, 1, 10)), {"birthDate": "2007-01-10"}, "NO_LONGER_ELIGIBLE"),
        (lambda: ProFactory(birth_date=dt.date(2008, 1, 10)), {}, "NOT_A_BENEFICIARY"),
    ],
    ids=["email", "under-18", "over-19", "pro"],
)
def test_post_refusals_are_403_with_their_code(user_factory, overrides, code):
    assert_error(Multipart(user_factory()).post(**overrides), 403, code)


def test_post_while_a_check_is_open_is_409():
    user = young()
    Multipart(user).post()
    assert_error(Multipart(user).post(), 409, "IDENTITY_CHECK_ALREADY_OPEN")


def test_post_once_verified_is_409(beneficiary):
    assert_error(Multipart(beneficiary).post(), 409, "IDENTITY_ALREADY_VERIFIED")


def test_the_openapi_declares_the_multipart_body_and_every_status(client):
    spec = client.get(f"{BASE}/openapi.json").json()
    operation = spec["paths"][ROUTE]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(schema["required"]) == {
        "documentType",
        "documentNumber",
        "firstName",
        "lastName",
        "birthDate",
        "photo",
    }
    assert set(operation["responses"]) == {"201", "400", "401", "403", "409", "422"}
    assert set(spec["paths"][ROUTE]["get"]["responses"]) == {"200", "401"}
