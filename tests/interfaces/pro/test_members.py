"""The members page: an offerer's admin accepts or refuses the pros asking to join it."""

import pytest
from django.urls import reverse

from passculture.core.offerers.constants import MembershipRole, ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.users.factories import ProFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offerer():
    return OffererFactory(name="Ciné Lumière")


@pytest.fixture
def admin(offerer):
    return MembershipFactory(offerer=offerer, role=MembershipRole.ADMIN).user


@pytest.fixture
def request_to_join(offerer):
    return MembershipFactory(
        offerer=offerer,
        role=MembershipRole.EDITOR,
        validation_status=ValidationStatus.PENDING,
        user=ProFactory(email="nouveau@cinema.example.com"),
    )


def test_the_admin_sees_members_and_pending_requests(client, admin, request_to_join):
    client.force_login(admin)

    page = client.get(reverse("pro:members")).content.decode()

    assert admin.email in page
    assert "nouveau@cinema.example.com" in page
    assert reverse("pro:member-accept", args=[request_to_join.pk]) in page


def test_the_admin_accepts_a_request(client, admin, request_to_join):
    client.force_login(admin)

    response = client.post(reverse("pro:member-accept", args=[request_to_join.pk]))

    assert response.status_code == 302
    request_to_join.refresh_from_db()
    assert request_to_join.validation_status == ValidationStatus.VALIDATED


def test_the_admin_refuses_a_request(client, admin, request_to_join):
    client.force_login(admin)

    client.post(reverse("pro:member-reject", args=[request_to_join.pk]), {"reason": "Inconnu"})

    request_to_join.refresh_from_db()
    assert request_to_join.validation_status == ValidationStatus.REJECTED


def test_an_editor_sees_the_members_without_the_decision_buttons_and_cannot_decide(
    client, offerer, request_to_join
):
    editor = MembershipFactory(offerer=offerer, role=MembershipRole.EDITOR).user
    client.force_login(editor)

    page = client.get(reverse("pro:members")).content.decode()
    assert reverse("pro:member-accept", args=[request_to_join.pk]) not in page
    response = client.post(reverse("pro:member-accept", args=[request_to_join.pk]))

    assert response.status_code == 403
    assert "Seul un administrateur" in response.content.decode()
    request_to_join.refresh_from_db()
    assert request_to_join.validation_status == ValidationStatus.PENDING


def test_an_admin_of_another_offerer_gets_a_404(client, request_to_join):
    other_admin = MembershipFactory(role=MembershipRole.ADMIN).user
    client.force_login(other_admin)

    assert client.post(reverse("pro:member-accept", args=[request_to_join.pk])).status_code == 404
    assert client.post(reverse("pro:member-reject", args=[request_to_join.pk])).status_code == 404
    request_to_join.refresh_from_db()
    assert request_to_join.validation_status == ValidationStatus.PENDING
    assert "nouveau@cinema.example.com" not in client.get(reverse("pro:members")).content.decode()


def test_the_pending_pro_cannot_accept_themselves(client, request_to_join):
    client.force_login(request_to_join.user)

    assert client.post(reverse("pro:member-accept", args=[request_to_join.pk])).status_code == 404


def test_decisions_are_post_only(client, admin, request_to_join):
    client.force_login(admin)

    assert client.get(reverse("pro:member-accept", args=[request_to_join.pk])).status_code == 405


def test_members_page_needs_a_logged_in_pro(client):
    assert client.get(reverse("pro:members"))["Location"].startswith(reverse("pro:login"))
    client.force_login(UserFactory())
    assert client.get(reverse("pro:members")).status_code == 302


def test_the_page_title_joins_de_with_the_structures_article(client):
    offerer = OffererFactory(name="Le Carré Nantais")
    admin = MembershipFactory(offerer=offerer, role=MembershipRole.ADMIN).user
    client.force_login(admin)

    page = client.get(reverse("pro:members")).content.decode()

    assert "<h1>Membres du Carré Nantais</h1>" in page
    assert "de Le Carré" not in page
    api_keys = client.get(reverse("pro:api-keys")).content.decode()
    assert "Clés d&#x27;API du Carré Nantais" in api_keys or "Clés d'API du Carré Nantais" in api_keys
