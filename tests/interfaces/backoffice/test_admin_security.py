"""Back office guards: staff decisions go through the audited services, sign-in links stay hidden, and
only superusers hand out privileges or set another user's password."""

import datetime as dt

import pytest
from django.urls import reverse

from passculture.core.common.models import AuditLog
from passculture.core.common.time import now as utcnow
from passculture.core.notifications import account_builders
from passculture.core.notifications.models import EmailStatus, OutboxEmail
from passculture.core.notifications.services import queue_built
from passculture.core.offerers.constants import MembershipRole, ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.offerers.models import Membership, Offerer
from passculture.core.users.constants import Role
from passculture.core.users.factories import ProFactory, UserFactory
from passculture.core.users.models import User
from passculture.interfaces.backoffice.admin import HIDDEN_BODY

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Un-autre-mot-de-passe-2026!"


@pytest.fixture
def staff():
    return UserFactory(role=Role.STAFF, is_staff=True, is_superuser=False, birth_date=None)


@pytest.fixture
def superuser():
    return UserFactory(role=Role.STAFF, is_staff=True, is_superuser=True, birth_date=None)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def superuser_client(client, superuser):
    client.force_login(superuser)
    return client


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _change_form_data(client, model, obj, **overrides) -> dict:
    """What the change page would post back untouched (management forms included), plus overrides."""
    response = client.get(_url(model, "change", obj.pk))
    assert response.status_code == 200
    data: dict = {}
    for bound in response.context["adminform"].form:
        value = bound.value()
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, dt.date):
            data[bound.html_name] = value.isoformat()
        elif value is not None:
            data[bound.html_name] = value
    for inline in response.context["inline_admin_formsets"]:
        for bound in inline.formset.management_form:
            data[bound.html_name] = bound.value()
    data.update(overrides)
    return data


def _action(client, model, action: str, objects, *, follow: bool = False, **extra):
    return client.post(
        _url(model, "changelist"),
        {"action": action, "_selected_action": [obj.pk for obj in objects], **extra},
        follow=follow,
    )


# --- Outbox --------------------------------------------------------------------------------------


@pytest.fixture
def reset_email():
    content = account_builders.password_reset(
        email="pro@example.com",
        first_name="Claire",
        link="https://pro.example/reinitialiser/MQ/secret-token/",
    )
    return queue_built(content)


@pytest.fixture
def ordinary_email():
    return OutboxEmail.objects.create(
        kind="booking_confirmed_pro",
        to=["cinema@example.com"],
        subject="Nouvelle réservation",
        text_body="Une réservation pour Le Voyage dans la Lune",
        next_attempt_at=utcnow(),
    )


def test_staff_cannot_add_change_or_delete_an_outbox_email(staff_client, ordinary_email):
    assert staff_client.get(_url(OutboxEmail, "add")).status_code == 403
    response = staff_client.post(
        _url(OutboxEmail, "change", ordinary_email.pk),
        {"to": '["attaquant@example.com"]', "text_body": "Autre", "status": EmailStatus.PENDING},
    )
    assert response.status_code == 403
    assert (
        staff_client.post(_url(OutboxEmail, "delete", ordinary_email.pk), {"post": "yes"}).status_code == 403
    )
    ordinary_email.refresh_from_db()
    assert (ordinary_email.to, ordinary_email.text_body) == (
        ["cinema@example.com"],
        "Une réservation pour Le Voyage dans la Lune",
    )


def test_staff_do_not_see_the_link_of_an_account_email(staff_client, reset_email):
    response = staff_client.get(_url(OutboxEmail, "change", reset_email.pk))

    assert response.status_code == 200
    content = response.content.decode()
    assert "secret-token" not in content
    assert HIDDEN_BODY in content


def test_an_account_email_queued_without_the_flag_is_hidden_by_its_kind(staff_client):
    legacy = OutboxEmail.objects.create(
        kind="account_email_confirmation",
        to=["pro@example.com"],
        subject="Confirmez votre adresse email",
        text_body="https://pro.example/inscription/confirmer/legacy-token/",
        next_attempt_at=utcnow(),
    )

    content = staff_client.get(_url(OutboxEmail, "change", legacy.pk)).content.decode()

    assert "legacy-token" not in content
    assert HIDDEN_BODY in content


def test_staff_see_the_body_of_an_ordinary_email(staff_client, ordinary_email):
    content = staff_client.get(_url(OutboxEmail, "change", ordinary_email.pk)).content.decode()

    assert "Le Voyage dans la Lune" in content


# --- Offerers --------------------------------------------------------------------------------------


@pytest.fixture
def new_offerer():
    offerer = OffererFactory(validation_status=ValidationStatus.NEW)
    MembershipFactory(offerer=offerer, role=MembershipRole.ADMIN)
    return offerer


def test_the_offerer_status_cannot_be_typed_in_the_back_office(staff_client, new_offerer):
    data = _change_form_data(staff_client, Offerer, new_offerer, validation_status=ValidationStatus.VALIDATED)

    response = staff_client.post(_url(Offerer, "change", new_offerer.pk), data)

    assert response.status_code == 302
    new_offerer.refresh_from_db()
    assert new_offerer.validation_status == ValidationStatus.NEW


def test_validating_from_the_list_goes_through_the_audited_service(staff_client, staff, new_offerer):
    _action(staff_client, Offerer, "validate_selected", [new_offerer])

    new_offerer.refresh_from_db()
    assert new_offerer.is_validated
    assert AuditLog.objects.filter(
        action="offerer.validated", actor=staff, target_id=str(new_offerer.pk)
    ).exists()
    assert OutboxEmail.objects.filter(kind="offerer_validated").count() == 1


def test_a_rejected_offerer_cannot_be_validated_from_the_list(staff_client):
    rejected = OffererFactory(validation_status=ValidationStatus.REJECTED)

    response = _action(staff_client, Offerer, "validate_selected", [rejected], follow=True)

    rejected.refresh_from_db()
    assert rejected.validation_status == ValidationStatus.REJECTED
    assert "déjà été validée ou rejetée" in response.content.decode()
    assert not AuditLog.objects.filter(action="offerer.validated").exists()


def test_rejecting_from_the_list_asks_for_a_reason_first(staff_client, new_offerer):
    response = _action(staff_client, Offerer, "reject_selected", [new_offerer])

    assert response.status_code == 200
    assert "Motif du rejet" in response.content.decode()
    new_offerer.refresh_from_db()
    assert new_offerer.validation_status == ValidationStatus.NEW


def test_rejecting_from_the_list_with_a_reason_goes_through_the_audited_service(
    staff_client, staff, new_offerer
):
    _action(staff_client, Offerer, "reject_selected", [new_offerer], apply="1", reason="Activité hors champ")

    new_offerer.refresh_from_db()
    assert new_offerer.validation_status == ValidationStatus.REJECTED
    entry = AuditLog.objects.get(action="offerer.rejected", target_id=str(new_offerer.pk))
    assert (entry.actor, entry.data["reason"]) == (staff, "Activité hors champ")


# --- Memberships ---------------------------------------------------------------------------------


@pytest.fixture
def pending_membership():
    return MembershipFactory(role=MembershipRole.EDITOR, validation_status=ValidationStatus.PENDING)


def test_membership_status_and_role_cannot_be_typed_in_the_back_office(staff_client, pending_membership):
    response = staff_client.post(
        _url(Membership, "change", pending_membership.pk),
        _change_form_data(
            staff_client,
            Membership,
            pending_membership,
            validation_status=ValidationStatus.VALIDATED,
            role=MembershipRole.ADMIN,
        ),
    )

    assert response.status_code == 302
    pending_membership.refresh_from_db()
    assert (pending_membership.role, pending_membership.validation_status) == (
        MembershipRole.EDITOR,
        ValidationStatus.PENDING,
    )


def test_memberships_are_not_created_from_the_back_office(staff_client):
    assert staff_client.get(_url(Membership, "add")).status_code == 403


def test_accepting_a_membership_from_the_list_goes_through_the_audited_service(
    staff_client, staff, pending_membership
):
    _action(staff_client, Membership, "validate_selected", [pending_membership])

    pending_membership.refresh_from_db()
    assert pending_membership.validation_status == ValidationStatus.VALIDATED
    assert AuditLog.objects.filter(action="membership.validated", actor=staff).exists()
    assert OutboxEmail.objects.filter(kind="membership_validated").count() == 1


def test_refusing_a_membership_from_the_list_goes_through_the_audited_service(
    staff_client, staff, pending_membership
):
    _action(staff_client, Membership, "reject_selected", [pending_membership])

    pending_membership.refresh_from_db()
    assert pending_membership.validation_status == ValidationStatus.REJECTED
    assert AuditLog.objects.filter(action="membership.rejected", actor=staff).exists()


# --- Users ------------------------------------------------------------------------------------------


@pytest.fixture
def pro_user():
    return ProFactory()


@pytest.mark.parametrize(
    "overrides",
    [{"is_staff": "on"}, {"is_superuser": "on"}, {"role": Role.STAFF}],
    ids=["is_staff", "is_superuser", "role"],
)
def test_staff_who_are_not_superusers_cannot_grant_privileges(staff_client, pro_user, overrides):
    data = _change_form_data(staff_client, User, pro_user, **overrides)

    staff_client.post(_url(User, "change", pro_user.pk), data)

    pro_user.refresh_from_db()
    assert (pro_user.role, pro_user.is_staff, pro_user.is_superuser) == (Role.PRO, False, False)
    assert not AuditLog.objects.filter(action="user.privileges_changed").exists()


def test_staff_who_are_not_superusers_cannot_raise_their_own_privileges(staff_client, staff):
    data = _change_form_data(staff_client, User, staff, is_superuser="on")

    staff_client.post(_url(User, "change", staff.pk), data)

    staff.refresh_from_db()
    assert staff.is_superuser is False


def test_staff_who_are_not_superusers_cannot_set_another_users_password(staff_client, pro_user):
    url = reverse("admin:auth_user_password_change", args=[pro_user.pk])

    assert staff_client.get(url).status_code == 403
    response = staff_client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )

    assert response.status_code == 403
    pro_user.refresh_from_db()
    assert not pro_user.check_password(NEW_PASSWORD)


def test_staff_who_are_not_superusers_cannot_edit_a_superuser(staff_client, superuser):
    data = {"email": "attaquant@example.com", "role": Role.STAFF, "is_active": "on"}

    response = staff_client.post(_url(User, "change", superuser.pk), data)

    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.email != "attaquant@example.com"


def test_staff_may_still_edit_a_pros_identity_and_it_is_logged(staff_client, staff, pro_user):
    data = _change_form_data(staff_client, User, pro_user, first_name="Claire")

    staff_client.post(_url(User, "change", pro_user.pk), data)

    pro_user.refresh_from_db()
    assert pro_user.first_name == "Claire"
    entry = AuditLog.objects.get(action="user.changed_in_backoffice", target_id=str(pro_user.pk))
    assert (entry.actor, entry.data["fields"]) == (staff, ["first_name"])


def test_a_superuser_grants_staff_and_the_change_is_logged(superuser_client, superuser, pro_user):
    data = _change_form_data(superuser_client, User, pro_user, is_staff="on", role=Role.STAFF)

    superuser_client.post(_url(User, "change", pro_user.pk), data)

    pro_user.refresh_from_db()
    assert (pro_user.role, pro_user.is_staff) == (Role.STAFF, True)
    entry = AuditLog.objects.get(action="user.privileges_changed", target_id=str(pro_user.pk))
    assert entry.actor == superuser
    assert entry.data["changes"] == {"role": [Role.PRO, Role.STAFF], "is_staff": [False, True]}


def test_a_superuser_sets_another_users_password_and_it_is_logged(superuser_client, superuser, pro_user):
    url = reverse("admin:auth_user_password_change", args=[pro_user.pk])

    response = superuser_client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )

    assert response.status_code == 302
    pro_user.refresh_from_db()
    assert pro_user.check_password(NEW_PASSWORD)
    assert AuditLog.objects.filter(
        action="user.password_set_in_backoffice", actor=superuser, target_id=str(pro_user.pk)
    ).exists()


def test_staff_who_are_not_superusers_cannot_bulk_delete_accounts(staff_client, superuser):
    _action(staff_client, User, "delete_selected", [superuser], post="yes")

    assert User.objects.filter(pk=superuser.pk).exists()
