"""Staff see the account deletion requests (read-only) and those still waiting for anonymisation."""

import pytest
from django.urls import reverse

from passculture.core.users.factories import TEST_PASSWORD, StaffFactory, UserFactory
from passculture.core.users.services import request_account_deletion

pytestmark = pytest.mark.django_db
LIST = "admin:users_accountdeletionrequest_changelist"


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory(is_superuser=False))
    return client


@pytest.fixture
def pending():
    return request_account_deletion(UserFactory(email="lea@example.com"), TEST_PASSWORD)


def test_staff_see_pending_requests_with_their_anonymisation_date(staff_client, pending):
    page = staff_client.get(reverse(LIST) + "?status__exact=PENDING").content.decode()

    assert "lea@example.com" in page
    assert "En attente d&#x27;anonymisation" in page or "En attente d'anonymisation" in page


def test_the_queues_page_counts_the_pending_requests(staff_client, pending):
    page = staff_client.get(reverse("backoffice:queues")).content.decode()

    assert "Suppressions de compte en attente d&#x27;anonymisation</a> (1)" in page


def test_requests_are_read_only_for_staff(staff_client, pending):
    change = reverse("admin:users_accountdeletionrequest_change", args=[pending.pk])

    assert staff_client.get(reverse("admin:users_accountdeletionrequest_add")).status_code == 403
    assert staff_client.post(change, {"status": "ANONYMISED"}).status_code == 403
    assert staff_client.get(change).status_code == 200  # view only
    pending.refresh_from_db()
    assert pending.status == "PENDING"


def test_beneficiaries_cannot_see_the_requests(client, pending):
    client.force_login(UserFactory())

    response = client.get(reverse(LIST))

    assert response.status_code == 302
    assert "/login/" in response["Location"]
