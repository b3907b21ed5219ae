"""The beneficiaries' sign-up service (register_beneficiary)."""

import datetime as dt
import re

import pytest
import time_machine

from passculture.core.common.models import AuditLog
from passculture.core.notifications.models import OutboxEmail
from passculture.core.users import accounts
from passculture.core.users.constants import Role
from passculture.core.users.factories import UserFactory
from passculture.core.users.models import User
from passculture.core.users.services import register_beneficiary
from tests.conftest import utc
from tests.helpers import error_code

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-2026"
NOW = utc(2026, 6, 1, 10, 0)


def _fields(**overrides):
    fields = {
        "email": "Lea.Durand@Example.com",
        "password": PASSWORD,
        "first_name": " Léa ",
        "last_name": "Durand",
        "birth_date": dt.date(2008, 1, 10),
        "phone_number": "06 12 34 56 78",
        "postal_code": "69001",
        "city": "lyon",
        "accepted_terms": True,
    }
    fields.update(overrides)
    return fields


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_sign_up_creates_an_unconfirmed_beneficiary_with_normalised_fields():
    user = register_beneficiary(**_fields())

    user.refresh_from_db()
    assert user.role == Role.BENEFICIARY
    assert user.is_email_validated is False
    assert user.is_active is True
    assert user.email == "lea.durand@example.com"
    assert (user.first_name, user.last_name) == ("Léa", "Durand")
    assert user.phone_number == "+33612345678"
    assert (user.postal_code, user.city) == ("69001", "Lyon")
    assert user.birth_date == dt.date(2008, 1, 10)
    assert user.terms_accepted_at == NOW
    assert user.check_password(PASSWORD)
    assert AuditLog.objects.filter(action="user.beneficiary_signed_up", target_id=str(user.pk)).exists()


def test_sign_up_queues_a_confirmation_link_to_the_app():
    user = register_beneficiary(**_fields())

    email = OutboxEmail.objects.get()
    assert email.kind == "account_beneficiary_email_confirmation"
    assert email.to == [user.email]
    assert email.is_sensitive
    token = re.search(r"http\S+/inscription/confirmer/(\S+?)/", email.text_body).group(1)
    assert accounts.confirm_email(token) == user


def test_the_same_email_twice_is_refused_whatever_its_case():
    register_beneficiary(**_fields())

    assert error_code(register_beneficiary, **_fields(email="LEA.DURAND@example.com")) == "EMAIL_ALREADY_USED"
    assert User.objects.count() == 1


def test_an_address_used_by_a_pro_is_refused_too():
    UserFactory(role=Role.PRO, email="lea.durand@example.com")

    assert error_code(register_beneficiary, **_fields()) == "EMAIL_ALREADY_USED"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"accepted_terms": False}, "TERMS_NOT_ACCEPTED"),
        ({"accepted_terms": "yes"}, "TERMS_NOT_ACCEPTED"),
        ({"first_name": "L3a"}, "INVALID_NAME"),
        ({"last_name": ""}, "INVALID_NAME"),
        ({"birth_date": dt.date(2026, 6, 2)}, "INVALID_BIRTH_DATE"),
        ({"birth_date": dt.date(2011, 6, 2)}, "TOO_YOUNG_TO_SIGN_UP"),
        ({"phone_number": "12345"}, "INVALID_PHONE_NUMBER"),
        ({"postal_code": "6900"}, "INVALID_POSTAL_CODE"),
        ({"city": "Marseille"}, "CITY_NOT_MATCHING_POSTAL_CODE"),
        ({"city": " "}, "INVALID_CITY"),
        ({"email": "pas-une-adresse"}, "INVALID_EMAIL"),
        ({"password": "court"}, "WEAK_PASSWORD"),
        ({"password": "Lea.Durand@Example"}, "WEAK_PASSWORD"),  # too close to the email
    ],
)
def test_each_invalid_field_is_refused_with_its_code_and_nothing_is_written(overrides, code):
    assert error_code(register_beneficiary, **_fields(**overrides)) == code
    assert not User.objects.exists()
    assert not OutboxEmail.objects.exists()


def test_someone_aged_15_today_may_sign_up_before_being_eligible():
    user = register_beneficiary(**_fields(birth_date=dt.date(2011, 6, 1)))

    assert user.birth_date == dt.date(2011, 6, 1)


def test_overseas_sign_up_with_an_overseas_phone_and_postal_code():
    user = register_beneficiary(
        **_fields(postal_code="97400", city="Saint Denis", phone_number="0692 12 34 56")
    )

    assert (user.postal_code, user.city, user.phone_number) == ("97400", "Saint-Denis", "+262692123456")
