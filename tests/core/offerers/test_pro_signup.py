"""A professional signs up with a SIREN (registry replayed by a local server)."""

import pytest

from passculture.core.common.models import AuditLog
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.constants import MembershipRole, RegistryStatus, ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.offerers.models import Offerer
from passculture.core.offerers.pro_signup import ManualCompany, preview_siren, register_pro
from passculture.core.users.constants import Role
from passculture.core.users.factories import ProFactory, StaffFactory
from passculture.core.users.models import User
from tests.helpers import error_code

from .registry_replay import (
    CINEMA_SIREN,
    CLOSED_SIREN,
    UNKNOWN_SIREN,
    point_registry_at,
    serve_all,
    serve_outage,
)

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-solide-2026"
MANUAL = ManualCompany(
    name="Cinéma Le Méliès", address="12 rue de la République", postal_code="69002", city="Lyon"
)


@pytest.fixture(autouse=True)
def _registry(settings, httpserver):
    point_registry_at(settings, httpserver)
    settings.PUBLIC_BASE_URL = "https://pro.example.test"


def sign_up(siren=CINEMA_SIREN, **fields):
    values = {
        "email": "claire.dupont@melies.example.com",
        "password": PASSWORD,
        "first_name": "Claire",
        "last_name": "Dupont",
        "phone_number": "06 12 34 56 78",
        "siren": siren,
    }
    values.update(fields)
    return register_pro(**values)


def emails(kind):
    return list(OutboxEmail.objects.filter(kind=kind))


def test_a_new_siren_found_in_the_registry_creates_a_verified_offerer_waiting_for_staff(httpserver):
    serve_all(httpserver)

    result = sign_up()

    offerer = result.offerer
    assert (offerer.name, offerer.address, offerer.postal_code, offerer.city) == (
        "CINEMA LE MELIES",
        "12 RUE DE LA REPUBLIQUE",
        "69002",
        "LYON",
    )
    assert offerer.validation_status == ValidationStatus.NEW
    assert offerer.registry_status == RegistryStatus.VERIFIED
    assert offerer.registry_data["naf_code"] == "59.14Z"
    assert not result.joined_existing


def test_the_creator_of_a_new_offerer_is_its_admin(httpserver):
    serve_all(httpserver)

    result = sign_up()

    assert result.membership.role == MembershipRole.ADMIN
    assert result.membership.user == result.user


def test_the_new_account_is_a_pro_with_an_unconfirmed_email_and_an_e164_phone(httpserver):
    serve_all(httpserver)

    user = sign_up().user

    assert (user.role, user.is_email_validated, user.phone_number) == (Role.PRO, False, "+33612345678")


def test_sign_up_sends_the_email_confirmation_link(httpserver):
    serve_all(httpserver)

    sign_up()

    [email] = emails("account_email_confirmation")
    assert email.to == ["claire.dupont@melies.example.com"]
    assert "https://pro.example.test/pro/inscription/confirmer/" in email.text_body


def test_staff_are_told_of_a_new_offerer(httpserver):
    serve_all(httpserver)
    staff = StaffFactory()

    sign_up()

    [email] = emails("offerer_created_staff")
    assert email.to == [staff.email]
    assert CINEMA_SIREN in email.subject


def test_when_the_registry_is_down_the_typed_details_are_kept_and_flagged_for_staff(httpserver):
    serve_outage(httpserver)

    offerer = sign_up(manual=MANUAL).offerer

    assert (offerer.name, offerer.address, offerer.postal_code, offerer.city) == (
        "Cinéma Le Méliès",
        "12 rue de la République",
        "69002",
        "Lyon",
    )
    assert offerer.registry_status == RegistryStatus.UNREACHABLE
    assert offerer.validation_status == ValidationStatus.NEW


def test_when_the_registry_is_down_the_details_must_be_typed(httpserver):
    serve_outage(httpserver)

    assert error_code(sign_up) == "COMPANY_DETAILS_REQUIRED"
    assert not User.objects.exists()


def test_typed_details_are_ignored_when_the_registry_answers(httpserver):
    serve_all(httpserver)

    offerer = sign_up(
        manual=ManualCompany(name="Autre nom", address="x", postal_code="75001", city="Paris")
    ).offerer

    assert offerer.name == "CINEMA LE MELIES"


def test_an_existing_siren_asks_to_join_the_offerer(httpserver):
    offerer = OffererFactory(siren=CINEMA_SIREN)

    result = sign_up()

    assert result.joined_existing
    assert result.offerer == offerer
    assert (result.membership.role, result.membership.validation_status) == (
        MembershipRole.EDITOR,
        ValidationStatus.PENDING,
    )
    assert len(httpserver.log) == 0  # no registry call for a known SIREN


def test_the_offerer_admins_and_staff_are_told_of_a_join_request():
    offerer = OffererFactory(siren=CINEMA_SIREN)
    admin = MembershipFactory(offerer=offerer).user
    staff = StaffFactory()

    sign_up()

    [email] = emails("membership_requested")
    assert sorted(email.to) == sorted([admin.email, staff.email])
    assert "Claire Dupont" in email.text_body


def test_an_invalid_siren_is_refused():
    assert error_code(sign_up, siren="832145677") == "INVALID_SIREN"


def test_a_closed_company_is_refused(httpserver):
    serve_all(httpserver)

    assert error_code(sign_up, siren=CLOSED_SIREN) == "COMPANY_CLOSED"
    assert not Offerer.objects.exists()


def test_a_siren_unknown_to_the_registry_is_refused(httpserver):
    serve_all(httpserver)

    assert error_code(sign_up, siren=UNKNOWN_SIREN) == "COMPANY_NOT_FOUND"


def test_an_email_already_used_is_refused_and_nothing_is_created(httpserver):
    serve_all(httpserver)
    ProFactory(email="claire.dupont@melies.example.com")

    assert error_code(sign_up) == "EMAIL_ALREADY_USED"
    assert not Offerer.objects.exists()


def test_a_weak_password_is_refused(httpserver):
    serve_all(httpserver)

    assert error_code(sign_up, password="court") == "WEAK_PASSWORD"


def test_an_invalid_phone_number_is_refused():
    assert error_code(sign_up, phone_number="12345") == "INVALID_PHONE_NUMBER"


def test_sign_up_is_written_to_the_audit_log(httpserver):
    serve_all(httpserver)

    result = sign_up()

    entry = AuditLog.objects.get(action="pro.signed_up")
    assert (entry.actor_id, entry.target_id) == (result.user.pk, str(result.offerer.pk))


def test_preview_of_an_unreachable_registry_is_not_an_error(httpserver):
    serve_outage(httpserver)

    assert preview_siren(CINEMA_SIREN).registry_unreachable
