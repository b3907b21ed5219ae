"""Staff queues of new offerers and membership requests."""

import pytest
from django.urls import reverse

from passculture.core.common.models import AuditLog
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.constants import MembershipRole, RegistryStatus, ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.users.factories import ProFactory, StaffFactory

pytestmark = pytest.mark.django_db
REGISTRY = {
    "siren": "832145676",
    "name": "CINEMA LE MELIES",
    "address": "12 RUE DE LA REPUBLIQUE",
    "postal_code": "69002",
    "city": "LYON",
    "head_office_siret": "83214567600017",
    "naf_code": "59.14Z",
    "legal_category": "5710",
    "active": True,
}


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


@pytest.fixture
def new_offerer():
    offerer = OffererFactory(
        siren="832145676",
        name="Cinéma Le Méliès",
        validation_status=ValidationStatus.NEW,
        registry_status=RegistryStatus.VERIFIED,
        registry_data=REGISTRY,
    )
    MembershipFactory(
        offerer=offerer, role=MembershipRole.ADMIN, user=ProFactory(email="claire@melies.example.com")
    )
    return offerer


@pytest.fixture
def request_to_join():
    return MembershipFactory(role=MembershipRole.EDITOR, validation_status=ValidationStatus.PENDING)


def test_the_queues_page_counts_offerers_and_memberships_waiting(staff_client, new_offerer, request_to_join):
    page = staff_client.get(reverse("backoffice:queues")).content.decode()

    assert "Structures à valider" in page
    assert "Rattachements à valider" in page


def test_the_offerer_queue_shows_the_registry_data_beside_the_typed_details(staff_client, new_offerer):
    page = staff_client.get(reverse("backoffice:offerer-queue")).content.decode()

    for expected in (
        "Cinéma Le Méliès",
        "CINEMA LE MELIES",
        "59.14Z",
        "Vérifiée au répertoire",
        "claire@melies",
    ):
        assert expected in page


def test_an_offerer_typed_by_hand_is_flagged_in_the_queue(staff_client):
    OffererFactory(validation_status=ValidationStatus.NEW, registry_status=RegistryStatus.UNREACHABLE)

    page = staff_client.get(reverse("backoffice:offerer-queue")).content.decode()

    assert "Répertoire injoignable (saisie manuelle)" in page


def test_staff_validate_an_offerer_from_the_queue(staff_client, new_offerer):
    response = staff_client.post(reverse("backoffice:offerer-validate", args=[new_offerer.pk]))

    assert response.status_code == 302
    new_offerer.refresh_from_db()
    assert new_offerer.validation_status == ValidationStatus.VALIDATED
    assert AuditLog.objects.filter(action="offerer.validated").exists()
    assert OutboxEmail.objects.get(kind="offerer_validated").to == ["claire@melies.example.com"]


def test_staff_reject_an_offerer_with_a_reason(staff_client, new_offerer):
    staff_client.post(reverse("backoffice:offerer-reject", args=[new_offerer.pk]), {"reason": "Hors champ"})

    new_offerer.refresh_from_db()
    assert new_offerer.validation_status == ValidationStatus.REJECTED
    assert "Hors champ" in OutboxEmail.objects.get(kind="offerer_rejected").text_body


def test_rejecting_without_a_reason_is_refused_with_a_message(staff_client, new_offerer):
    response = staff_client.post(reverse("backoffice:offerer-reject", args=[new_offerer.pk]), follow=True)

    assert "Indiquez le motif du rejet" in response.content.decode()
    new_offerer.refresh_from_db()
    assert new_offerer.validation_status == ValidationStatus.NEW


def test_staff_validate_and_refuse_memberships_from_the_queue(staff_client, request_to_join):
    page = staff_client.get(reverse("backoffice:membership-queue")).content.decode()
    assert request_to_join.user.email in page
    other = MembershipFactory(role=MembershipRole.EDITOR, validation_status=ValidationStatus.PENDING)

    staff_client.post(reverse("backoffice:membership-validate", args=[request_to_join.pk]))
    staff_client.post(reverse("backoffice:membership-reject", args=[other.pk]), {"reason": "Inconnu"})

    request_to_join.refresh_from_db()
    other.refresh_from_db()
    assert (request_to_join.validation_status, other.validation_status) == (
        ValidationStatus.VALIDATED,
        ValidationStatus.REJECTED,
    )
    assert AuditLog.objects.filter(action__in=["membership.validated", "membership.rejected"]).count() == 2


@pytest.mark.parametrize("route", ["backoffice:offerer-queue", "backoffice:membership-queue"])
def test_a_pro_cannot_see_the_queues(client, route, pro):
    client.force_login(pro)

    response = client.get(reverse(route))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_pro_cannot_decide_on_offerers_or_memberships(client, new_offerer, request_to_join):
    admin = MembershipFactory(offerer=request_to_join.offerer, role=MembershipRole.ADMIN).user
    client.force_login(admin)

    client.post(reverse("backoffice:offerer-validate", args=[new_offerer.pk]))
    client.post(reverse("backoffice:offerer-reject", args=[new_offerer.pk]), {"reason": "x"})
    client.post(reverse("backoffice:membership-validate", args=[request_to_join.pk]))

    new_offerer.refresh_from_db()
    request_to_join.refresh_from_db()
    assert new_offerer.validation_status == ValidationStatus.NEW
    assert request_to_join.validation_status == ValidationStatus.PENDING
    assert not AuditLog.objects.filter(action__in=["offerer.validated", "membership.validated"]).exists()


def test_anonymous_visitors_are_sent_to_the_staff_login(client):
    response = client.get(reverse("backoffice:offerer-queue"))

    assert response["Location"].startswith(reverse("admin:login"))
