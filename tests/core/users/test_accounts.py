"""Email confirmation and password reset links."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from passculture.core.common.models import AuditLog
from passculture.core.notifications.models import EmailStatus, OutboxEmail
from passculture.core.users import accounts
from passculture.core.users.factories import TEST_PASSWORD, ProFactory, UserFactory
from passculture.core.users.services import authenticate_user
from tests.helpers import error_code

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Nouveau-mot-de-passe-2026"


@pytest.fixture
def unconfirmed():
    return ProFactory(is_email_validated=False)


def _link_parts(kind: str) -> list[str]:
    body = OutboxEmail.objects.get(kind=kind).text_body
    return re.search(r"http\S+/pro/\S+", body).group(0).rstrip("/").split("/")


# --- Email confirmation ----------------------------------------------------------------------------


def test_a_confirmation_link_confirms_the_email(unconfirmed):
    accounts.confirm_email(accounts.email_confirmation_token(unconfirmed))

    unconfirmed.refresh_from_db()
    assert unconfirmed.is_email_validated
    assert AuditLog.objects.filter(action="user.email_confirmed").exists()


def test_the_emailed_link_carries_a_working_token(unconfirmed):
    accounts.send_email_confirmation(unconfirmed)

    accounts.confirm_email(_link_parts("account_email_confirmation")[-1])

    unconfirmed.refresh_from_db()
    assert unconfirmed.is_email_validated


def test_a_confirmation_link_works_for_three_days(unconfirmed):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = accounts.email_confirmation_token(unconfirmed)
        traveller.shift(dt.timedelta(days=3) - dt.timedelta(minutes=1))
        accounts.confirm_email(token)

    unconfirmed.refresh_from_db()
    assert unconfirmed.is_email_validated


def test_a_confirmation_link_expires_after_three_days(unconfirmed):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = accounts.email_confirmation_token(unconfirmed)
        traveller.shift(dt.timedelta(days=3, minutes=1))
        code = error_code(accounts.confirm_email, token)

    assert code == "EMAIL_CONFIRMATION_LINK_EXPIRED"
    unconfirmed.refresh_from_db()
    assert not unconfirmed.is_email_validated


def test_a_tampered_confirmation_link_is_refused(unconfirmed):
    other = ProFactory(is_email_validated=False)
    token = accounts.email_confirmation_token(unconfirmed)
    forged = accounts.email_confirmation_token(other).split(":")[0] + ":" + token.split(":", 1)[1]

    assert error_code(accounts.confirm_email, forged) == "INVALID_EMAIL_CONFIRMATION_LINK"
    assert error_code(accounts.confirm_email, token[:-2]) == "INVALID_EMAIL_CONFIRMATION_LINK"
    assert error_code(accounts.confirm_email, "n'importe quoi") == "INVALID_EMAIL_CONFIRMATION_LINK"


def test_a_confirmation_link_is_void_once_the_address_changed(unconfirmed):
    token = accounts.email_confirmation_token(unconfirmed)
    unconfirmed.email = "nouvelle@cinema.example.com"
    unconfirmed.save()

    assert error_code(accounts.confirm_email, token) == "INVALID_EMAIL_CONFIRMATION_LINK"


def test_a_new_confirmation_link_is_sent_only_to_unconfirmed_portal_accounts(unconfirmed):
    accounts.resend_email_confirmation(unconfirmed.email.upper())
    accounts.resend_email_confirmation(ProFactory().email)  # already confirmed
    accounts.resend_email_confirmation(UserFactory(is_email_validated=False).email)  # beneficiary
    accounts.resend_email_confirmation("inconnu@example.com")

    links = OutboxEmail.objects.filter(kind="account_email_confirmation")
    assert list(links.values_list("to", flat=True)) == [[unconfirmed.email]]
    assert sorted(OutboxEmail.objects.exclude(pk__in=links).values_list("kind", flat=True)) == [
        "confirmation_without_account",
        "confirmation_without_account",
        "email_already_confirmed",
    ]


# --- Password reset --------------------------------------------------------------------------------


def test_a_reset_request_emails_a_link_to_the_account():
    pro = ProFactory()

    accounts.request_password_reset(pro.email)

    assert OutboxEmail.objects.get(kind="account_password_reset").to == [pro.email]


def test_a_reset_request_for_an_unknown_address_tells_that_address_that_no_account_uses_it():
    assert accounts.request_password_reset("personne@example.com") is None

    notice = OutboxEmail.objects.get()
    assert (notice.kind, notice.to) == ("password_reset_without_account", ["personne@example.com"])
    assert "aucun compte pass Culture Pro ne l'utilise" in notice.text_body
    assert "/pro/inscription/" in notice.text_body
    assert "/mot-de-passe/" not in notice.text_body  # no reset link of any account
    assert not notice.hides_body  # no sign-in link: staff may read it


def test_a_reset_request_does_the_same_work_whether_or_not_the_address_has_an_account(
    django_capture_on_commit_callbacks,
):
    # Timing would tell otherwise (benchmarks/scenarios/password_reset_timing.py measures it): the same
    # SQL statements, one email queued and delivered after the commit, one audit row.
    known, unknown = ProFactory(), "personne@example.com"
    counts = {}
    for address in (known.email, unknown):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True) as delivered,
        ):
            accounts.request_password_reset(address)
        counts[address] = ([q["sql"].split()[0] for q in queries.captured_queries], len(delivered))

    assert counts[known.email] == counts[unknown]
    assert counts[unknown][1] == 1
    assert list(OutboxEmail.objects.values_list("to", "status")) == [
        ([known.email], EmailStatus.SENT),
        ([unknown], EmailStatus.SENT),
    ]
    assert AuditLog.objects.filter(action="user.password_reset_requested_without_account").count() == 1


def test_a_reset_request_for_something_that_is_not_an_address_sends_nothing():
    for typed in ("", "  ", "personne", "a@b.c, d@e.f", "nul\x00@example.com"):
        accounts.request_password_reset(typed)
        accounts.request_password_reset(typed, roles=BENEFICIARY_ROLES)

    assert not OutboxEmail.objects.exists()


def test_the_reset_link_sets_a_new_password():
    pro = ProFactory()
    accounts.request_password_reset(pro.email)
    uidb64, token = _link_parts("account_password_reset")[-2:]

    accounts.reset_password(uidb64, token, NEW_PASSWORD)

    assert authenticate_user(pro.email, NEW_PASSWORD) == pro
    assert AuditLog.objects.filter(action="user.password_reset").exists()


def test_the_reset_link_works_only_once():
    pro = ProFactory()
    accounts.request_password_reset(pro.email)
    uidb64, token = _link_parts("account_password_reset")[-2:]
    accounts.reset_password(uidb64, token, NEW_PASSWORD)

    assert (
        error_code(accounts.reset_password, uidb64, token, "Encore-un-autre-2026")
        == "INVALID_PASSWORD_RESET_LINK"
    )


def test_the_reset_link_expires_after_three_days():
    pro = ProFactory()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        accounts.request_password_reset(pro.email)
        uidb64, token = _link_parts("account_password_reset")[-2:]
        traveller.shift(dt.timedelta(days=3, hours=1))
        code = error_code(accounts.reset_password, uidb64, token, NEW_PASSWORD)

    assert code == "INVALID_PASSWORD_RESET_LINK"


def test_the_new_password_follows_the_password_rules():
    pro = ProFactory()
    accounts.request_password_reset(pro.email)
    uidb64, token = _link_parts("account_password_reset")[-2:]

    assert error_code(accounts.reset_password, uidb64, token, "court") == "WEAK_PASSWORD"
    assert authenticate_user(pro.email, TEST_PASSWORD) == pro


def test_a_reset_link_proves_the_address():
    pro = ProFactory(is_email_validated=False)
    accounts.request_password_reset(pro.email)
    uidb64, token = _link_parts("account_password_reset")[-2:]

    accounts.reset_password(uidb64, token, NEW_PASSWORD)

    pro.refresh_from_db()
    assert pro.is_email_validated


def test_a_tampered_reset_link_is_refused():
    pro = ProFactory()
    accounts.request_password_reset(pro.email)
    uidb64, token = _link_parts("account_password_reset")[-2:]

    assert error_code(accounts.reset_password, uidb64, token[:-1] + "x", NEW_PASSWORD) == (
        "INVALID_PASSWORD_RESET_LINK"
    )
    assert error_code(accounts.reset_password, "!!", token, NEW_PASSWORD) == "INVALID_PASSWORD_RESET_LINK"


# --- Beneficiaries: links to the app, their own resend and reset requests -------------------------

BENEFICIARY_ROLES = accounts.BENEFICIARY_ROLES


def _app_link(kind: str) -> list[str]:
    body = OutboxEmail.objects.get(kind=kind).text_body
    link = re.search(r"http\S+", body).group(0)
    assert "/pro/" not in link
    return link.rstrip("/").split("/")


def test_a_beneficiary_confirmation_link_opens_the_app():
    user = UserFactory(is_email_validated=False)

    accounts.send_email_confirmation(user)

    parts = _app_link("account_beneficiary_email_confirmation")
    assert parts[-3:-1] == ["inscription", "confirmer"]
    accounts.confirm_email(parts[-1])
    user.refresh_from_db()
    assert user.is_email_validated


def test_a_confirmation_link_confirms_once_for_confirm_email_once():
    user = UserFactory(is_email_validated=False)
    token = accounts.email_confirmation_token(user)

    assert accounts.confirm_email_once(token) == user
    assert error_code(accounts.confirm_email_once, token) == "EMAIL_ALREADY_CONFIRMED"
    assert accounts.confirm_email(token) == user  # the portal's page still accepts a second click


def test_confirm_email_once_refuses_an_expired_link():
    user = UserFactory(is_email_validated=False)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = accounts.email_confirmation_token(user)
        traveller.shift(dt.timedelta(days=3, minutes=1))
        assert error_code(accounts.confirm_email_once, token) == "EMAIL_CONFIRMATION_LINK_EXPIRED"


def test_the_app_resends_confirmation_links_to_unconfirmed_beneficiaries_only():
    unconfirmed, confirmed = UserFactory(is_email_validated=False), UserFactory()
    pro = ProFactory(is_email_validated=False)
    for address in (unconfirmed.email, confirmed.email, pro.email, "inconnu@example.com"):
        accounts.resend_email_confirmation(address, roles=BENEFICIARY_ROLES)

    assert list(OutboxEmail.objects.values_list("kind", "to")) == [
        ("account_beneficiary_email_confirmation", [unconfirmed.email]),
        ("beneficiary_email_already_confirmed", [confirmed.email]),
        ("beneficiary_confirmation_without_account", [pro.email]),
        ("beneficiary_confirmation_without_account", ["inconnu@example.com"]),
    ]
    notices = OutboxEmail.objects.exclude(kind="account_beneficiary_email_confirmation")
    assert all("/inscription/confirmer/" not in notice.text_body for notice in notices)
    assert "/connexion/" in notices.get(kind="beneficiary_email_already_confirmed").text_body


def test_a_confirmation_request_does_the_same_work_whatever_the_address(django_capture_on_commit_callbacks):
    # Timing would tell otherwise which addresses have an account (as for password resets): the same SQL
    # statements, one email queued and delivered after the commit, one audit row.
    unconfirmed, confirmed = ProFactory(is_email_validated=False), ProFactory()
    addresses = (unconfirmed.email, confirmed.email, "personne@example.com")
    work = {}
    for address in addresses:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True) as delivered,
        ):
            accounts.resend_email_confirmation(address)
        work[address] = ([q["sql"].split()[0] for q in queries.captured_queries], len(delivered))

    assert work[unconfirmed.email] == work[confirmed.email] == work["personne@example.com"]
    assert work[unconfirmed.email][1] == 1
    assert list(OutboxEmail.objects.values_list("kind", "status")) == [
        ("account_email_confirmation", EmailStatus.SENT),
        ("email_already_confirmed", EmailStatus.SENT),
        ("confirmation_without_account", EmailStatus.SENT),
    ]


def test_the_app_reset_request_emails_beneficiaries_only_with_an_app_link():
    user = UserFactory()
    accounts.request_password_reset(ProFactory().email, roles=BENEFICIARY_ROLES)
    accounts.request_password_reset("inconnu@example.com", roles=BENEFICIARY_ROLES)
    accounts.request_password_reset(user.email.upper(), roles=BENEFICIARY_ROLES)

    links = OutboxEmail.objects.filter(kind="account_beneficiary_password_reset")
    assert list(links.values_list("to", flat=True)) == [[user.email]]
    assert OutboxEmail.objects.filter(kind="beneficiary_password_reset_without_account").count() == 2
    parts = _app_link("account_beneficiary_password_reset")
    assert parts[-3] == "mot-de-passe"


def test_a_beneficiary_reset_link_works_once():
    user = UserFactory()
    accounts.request_password_reset(user.email, roles=BENEFICIARY_ROLES)
    uidb64, token = _app_link("account_beneficiary_password_reset")[-2:]

    accounts.reset_password(uidb64, token, NEW_PASSWORD, roles=BENEFICIARY_ROLES)

    assert authenticate_user(user.email, NEW_PASSWORD) == user
    code = error_code(accounts.reset_password, uidb64, token, "Encore-un-autre-2026", roles=BENEFICIARY_ROLES)
    assert code == "INVALID_PASSWORD_RESET_LINK"


def test_a_beneficiary_reset_link_is_refused_by_the_pro_portal_and_the_reverse():
    user, pro = UserFactory(), ProFactory()
    user_link = (urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user))
    pro_link = (urlsafe_base64_encode(force_bytes(pro.pk)), default_token_generator.make_token(pro))

    assert error_code(accounts.reset_password, *user_link, NEW_PASSWORD) == "INVALID_PASSWORD_RESET_LINK"
    code = error_code(accounts.reset_password, *pro_link, NEW_PASSWORD, roles=BENEFICIARY_ROLES)
    assert code == "INVALID_PASSWORD_RESET_LINK"


def test_a_reset_link_with_an_enormous_user_id_is_just_invalid():
    uidb64 = urlsafe_base64_encode(force_bytes(10**30))

    assert error_code(accounts.user_for_password_reset, uidb64, "x-y", roles=BENEFICIARY_ROLES) == (
        "INVALID_PASSWORD_RESET_LINK"
    )
