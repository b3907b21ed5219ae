import pytest
from django.contrib import admin
from django.urls import reverse

from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.services import book_offer
from passculture.core.common.models import AuditLog
from passculture.core.credit.models import CreditPolicy
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import OffererFactory
from passculture.core.offerers.models import Offerer
from passculture.core.users.constants import Role
from passculture.core.users.factories import UserFactory
from passculture.core.users.models import User

from .pages import fill_back_office

PROJECT_APPS = {
    "users",
    "offerers",
    "offers",
    "credit",
    "bookings",
    "common",
    "notifications",
    "jobs",
    "allocine",
    "films",
}
MODELS = sorted(
    (model for model in admin.site._registry if model._meta.app_label in PROJECT_APPS),
    key=lambda model: model._meta.label,
)


@pytest.fixture
def staff(db):
    # Staff by role, not superuser: the back office must not depend on per-model permissions.
    return UserFactory(role=Role.STAFF, is_staff=True, is_superuser=False, birth_date=None)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def booking(beneficiary, stock, pro):
    return book_offer(beneficiary, stock.pk)


@pytest.fixture
def one_of_each(booking):
    fill_back_office(booking)


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_project_model_is_in_the_back_office():
    labels = {model._meta.label for model in MODELS}
    assert labels >= {
        "users.User", "offerers.Offerer", "offerers.Venue", "offerers.Membership", "offers.Offer",
        "offers.Stock", "credit.CreditPolicy", "credit.Deposit", "bookings.Booking",
        "bookings.CounterAttempt", "common.AuditLog", "notifications.OutboxEmail", "jobs.JobRun",
    }  # fmt: skip


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_staff_sees_the_list_and_an_object_of_every_model(staff_client, one_of_each, model):
    assert staff_client.get(_url(model, "changelist")).status_code == 200
    obj = model._default_manager.first()
    assert obj is not None
    assert staff_client.get(_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_non_staff_is_sent_to_the_login_page(client, beneficiary, model):
    client.force_login(beneficiary)
    response = client.get(_url(model, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith("/backoffice/login/")


def test_audit_log_cannot_be_added_changed_or_deleted(staff_client, one_of_each):
    entry = AuditLog.objects.first()
    assert staff_client.get(_url(AuditLog, "add")).status_code == 403
    assert staff_client.post(_url(AuditLog, "change", entry.pk), {"action": "x"}).status_code == 403
    assert staff_client.post(_url(AuditLog, "delete", entry.pk), {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=entry.pk, action="test.action").exists()


def test_bookings_are_searchable_by_token(staff_client, booking):
    response = staff_client.get(_url(type(booking), "changelist"), {"q": booking.token.lower()})
    assert [b.pk for b in response.context["cl"].result_list] == [booking.pk]


def test_support_can_cancel_a_booking_from_the_list(staff_client, booking):
    staff_client.post(
        _url(type(booking), "changelist"),
        {"action": "cancel_by_support", "_selected_action": [booking.pk]},
    )
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason) == (
        BookingStatus.CANCELLED,
        CancellationReason.BACKOFFICE,
    )


def test_staff_can_validate_an_offerer_from_the_list(staff_client, db):
    offerer = OffererFactory(validation_status=ValidationStatus.NEW)
    staff_client.post(
        _url(type(offerer), "changelist"), {"action": "validate_selected", "_selected_action": [offerer.pk]}
    )
    offerer.refresh_from_db()
    assert offerer.is_validated


def test_staff_creates_an_account_that_logs_in_by_email(staff_client):
    staff_client.post(
        _url(User, "add"),
        {
            "email": "nouveau@example.com",
            "usable_password": "true",
            "password1": "Un-mot-de-passe-2026!",
            "password2": "Un-mot-de-passe-2026!",
        },
    )
    assert User.objects.get(email="nouveau@example.com").check_password("Un-mot-de-passe-2026!")


def test_credit_policies_are_editable(staff_client, db):
    policy = CreditPolicy.objects.get(code="GRANT_18_2021")
    assert staff_client.get(_url(CreditPolicy, "change", policy.pk)).status_code == 200


def test_the_admin_index_links_to_the_validation_queues(client, db):
    from django.urls import reverse

    from passculture.core.users.factories import StaffFactory

    client.force_login(StaffFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert reverse("backoffice:queues") in response.content.decode()


def test_the_bulk_delete_reads_without_a_wrong_agreement(staff_client, db):
    OffererFactory()
    content = staff_client.get(_url(Offerer, "changelist")).content.decode()
    assert ">Supprimer la sélection</option>" in content
    assert "structures sélectionnés" not in content


def test_groups_and_design_settings_are_not_back_office_pages(client, db):
    """Staff rights come from the staff role and the DSFR settings from the code: Django's group pages and
    django-dsfr's settings pages (English, inline styles) are not served, even to a superuser."""
    from django.contrib.auth.models import Group

    from passculture.core.users.factories import StaffFactory

    assert Group not in admin.site._registry
    client.force_login(StaffFactory(is_superuser=True))
    for path in ("/backoffice/auth/group/", "/backoffice/dsfr/dsfrconfig/"):
        assert client.get(path).status_code == 404
    assert "auth/group" not in client.get("/backoffice/").content.decode()
