"""Account deletion: the request (deactivation, bookings, email) and the anonymisation job."""

import datetime as dt
import threading
import time
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.common.exceptions import DomainError
from passculture.core.common.locking import lock
from passculture.core.common.models import AuditLog
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.models import Deposit
from passculture.core.favourites.models import Favourite
from passculture.core.favourites.services import add_favourite
from passculture.core.films.factories import FilmFactory
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.jobs.schedule import get_job
from passculture.core.notifications.models import OutboxEmail
from passculture.core.notifications.services import FORGOTTEN_BODY
from passculture.core.offers.factories import StockFactory, ThingStockFactory
from passculture.core.offers.models import Stock
from passculture.core.users import tokens
from passculture.core.users.constants import DeletionStatus
from passculture.core.users.factories import TEST_PASSWORD, ProFactory, UserFactory
from passculture.core.users.models import AccountDeletionRequest, User
from passculture.core.users.selectors import deletion_impact, pending_deletion_requests
from passculture.core.users.services import (
    anonymise_deleted_accounts,
    anonymised_email,
    authenticate_user,
    request_account_deletion,
)
from tests.conftest import utc
from tests.core.bookings.test_concurrency import assert_no_errors, run_concurrently
from tests.helpers import error_code

pytestmark = pytest.mark.django_db
NOW = utc(2026, 6, 1, 10, 0)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def young(clock):
    user = UserFactory(first_name="Léa", last_name="Durand", email="lea@example.com")
    DepositFactory(user=user, granted_at=NOW - dt.timedelta(days=10))
    return user


@pytest.fixture
def bookings(young, clock):
    """Booked at NOW: one showtime in 5 days (cancellable 48 h), one tomorrow (final at once), one
    cinema card (no limit), one already cancelled. The clock then moves on a minute."""
    ahead = book_offer(young, StockFactory(beginning_datetime=NOW + dt.timedelta(days=5)).pk)
    last_minute = book_offer(young, StockFactory(beginning_datetime=NOW + dt.timedelta(days=1)).pk)
    card = book_offer(young, ThingStockFactory().pk)
    cancelled = book_offer(young, StockFactory(beginning_datetime=NOW + dt.timedelta(days=6)).pk)
    cancel_booking_by_beneficiary(young, cancelled.pk)
    clock.shift(dt.timedelta(minutes=1))
    return {"ahead": ahead, "last_minute": last_minute, "card": card, "cancelled": cancelled}


def _later(clock, **delta):
    clock.shift(dt.timedelta(**delta))


# --- The request ------------------------------------------------------------------------------------


def test_the_deletion_needs_the_password(young):
    assert error_code(request_account_deletion, young, "Mauvais-mot-de-passe") == "INCORRECT_PASSWORD"
    young.refresh_from_db()
    assert young.is_active
    assert not AccountDeletionRequest.objects.exists()


def test_a_pro_cannot_delete_their_account_here(clock):
    assert error_code(request_account_deletion, ProFactory(), TEST_PASSWORD) == "NOT_A_BENEFICIARY"


def test_the_deletion_deactivates_the_account_and_records_the_request(young, clock):
    request = request_account_deletion(young, TEST_PASSWORD)

    young.refresh_from_db()
    assert young.is_active is False
    assert request.status == DeletionStatus.PENDING
    assert request.requested_at == NOW
    assert request.user == young
    assert list(pending_deletion_requests()) == [request]
    log = AuditLog.objects.get(action="user.deletion_requested")
    assert log.target_id == str(young.pk)
    assert log.data["request_id"] == request.pk


def test_the_login_is_then_refused_saying_the_deletion_is_pending(young, clock):
    request_account_deletion(young, TEST_PASSWORD)

    with pytest.raises(DomainError) as refused:
        authenticate_user(young.email, TEST_PASSWORD)
    assert refused.value.code == "ACCOUNT_INACTIVE"
    assert "suppression" in refused.value.message


def test_a_wrong_password_on_a_deleted_account_says_nothing_of_it(young, clock):
    request_account_deletion(young, TEST_PASSWORD)

    assert error_code(authenticate_user, young.email, "Mauvais-mot-de-passe") == "INVALID_CREDENTIALS"


def test_existing_api_tokens_stop_working(young, clock):
    access, refresh = tokens.issue_access_token(young), tokens.issue_refresh_token(young)

    request_account_deletion(young, TEST_PASSWORD)

    assert error_code(tokens.user_from_access_token, access) == "INVALID_TOKEN"
    assert error_code(tokens.user_from_refresh_token, refresh) == "INVALID_TOKEN"


def test_cancellable_bookings_are_cancelled_and_final_ones_kept(young, bookings, clock):
    impact = deletion_impact(young)

    request = request_account_deletion(young, TEST_PASSWORD)

    status = {name: type(b).objects.get(pk=b.pk).status for name, b in bookings.items()}
    assert status == {
        "ahead": BookingStatus.CANCELLED,
        "last_minute": BookingStatus.CONFIRMED,
        "card": BookingStatus.CANCELLED,
        "cancelled": BookingStatus.CANCELLED,
    }
    assert (request.cancelled_bookings, request.kept_bookings) == (2, 1)
    assert (impact.cancellable, impact.kept) == (2, 1)
    ahead = type(bookings["ahead"]).objects.get(pk=bookings["ahead"].pk)
    assert ahead.cancellation_reason == CancellationReason.BENEFICIARY


def test_cancelled_bookings_free_their_places_and_credit(young, bookings, clock):
    stock = bookings["ahead"].stock
    booked_before = type(stock).objects.get(pk=stock.pk).booked_quantity
    deposit = young.deposits.get()
    spent_before = deposit.spent_cents

    request_account_deletion(young, TEST_PASSWORD)

    stock.refresh_from_db()
    deposit.refresh_from_db()
    assert stock.booked_quantity == booked_before - 1
    freed = bookings["ahead"].total_amount_cents + bookings["card"].total_amount_cents
    assert deposit.spent_cents == spent_before - freed


def test_the_deletion_is_confirmed_by_email_with_what_happened(young, bookings, clock):
    request_account_deletion(young, TEST_PASSWORD)

    email = OutboxEmail.objects.get(kind="deletion_requested")
    assert email.to == ["lea@example.com"]
    assert "2 réservations encore annulables ont été annulées" in email.text_body
    assert "1 réservation ne pouvait plus être annulée" in email.text_body
    assert "1er juillet 2026" in email.text_body  # 30 days after the request
    # The cinemas are told of the cancellations, as for any cancellation by the beneficiary.
    assert OutboxEmail.objects.filter(kind__contains="cancelled").exists()


def test_a_second_request_for_an_already_deleted_account_is_refused(young, clock):
    request_account_deletion(young, TEST_PASSWORD)

    assert error_code(request_account_deletion, young, TEST_PASSWORD) == "ACCOUNT_INACTIVE"
    assert AccountDeletionRequest.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
def test_two_simultaneous_requests_make_one_and_cancel_each_booking_once():
    user = UserFactory()
    DepositFactory(user=user)
    booking = book_offer(user, StockFactory().pk)

    outcomes = run_concurrently(
        [lambda: request_account_deletion(User.objects.get(pk=user.pk), TEST_PASSWORD)] * 2
    )

    assert_no_errors(outcomes)
    assert sorted(o.kind for o in outcomes) == ["ok", "refused"]
    assert AccountDeletionRequest.objects.filter(user=user).count() == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert user.deposits.get().spent_cents == 0


# --- Anonymisation ------------------------------------------------------------------------------------


def test_accounts_are_anonymised_only_30_days_after_the_request(young, bookings, clock):
    request_account_deletion(young, TEST_PASSWORD)

    _later(clock, days=30, seconds=-1)
    assert anonymise_deleted_accounts() == {"anonymised": 0}
    _later(clock, seconds=1)
    assert anonymise_deleted_accounts() == {"anonymised": 1}

    young.refresh_from_db()
    assert young.email == anonymised_email(young.pk)
    assert (young.first_name, young.last_name, young.phone_number) == ("", "", "")
    assert (young.postal_code, young.city, young.birth_date) == ("", "", None)
    assert not young.has_usable_password()
    assert not young.is_active
    request = AccountDeletionRequest.objects.get()
    assert request.status == DeletionStatus.ANONYMISED
    assert request.anonymised_at == NOW + dt.timedelta(days=30, minutes=1)


def test_bookings_stay_for_accounting_attached_to_the_anonymous_user(young, bookings, clock):
    request_account_deletion(young, TEST_PASSWORD)
    _later(clock, days=31)

    anonymise_deleted_accounts()

    kept = type(bookings["last_minute"]).objects.get(pk=bookings["last_minute"].pk)
    assert kept.user_id == young.pk
    assert kept.status == BookingStatus.CONFIRMED
    assert young.bookings.count() == 4


def test_anonymisation_forgets_the_favourites(young, clock):
    film_favourite = add_favourite(young, film_id=FilmFactory().pk).favourite
    request_account_deletion(young, TEST_PASSWORD)
    _later(clock, days=31)

    anonymise_deleted_accounts()

    assert not Favourite.objects.filter(pk=film_favourite.pk).exists()


def test_the_outbox_forgets_the_address_and_the_bodies(young, bookings, clock):
    request_account_deletion(young, TEST_PASSWORD)
    other = OutboxEmail.objects.create(
        kind="test", to=["someone@example.com"], subject="S", text_body="B", next_attempt_at=NOW
    )
    _later(clock, days=31)

    anonymise_deleted_accounts()

    young.refresh_from_db()
    about_her = OutboxEmail.objects.exclude(pk=other.pk)
    assert about_her.exists()
    for email in about_her:
        assert "lea@example.com" not in email.to + email.reply_to
        assert "Durand" not in email.text_body + email.html_body + email.subject
    assert OutboxEmail.objects.filter(to=[young.email], text_body=FORGOTTEN_BODY).exists()
    other.refresh_from_db()
    assert other.text_body == "B"


def test_anonymisation_is_idempotent(young, clock):
    request_account_deletion(young, TEST_PASSWORD)
    _later(clock, days=31)

    assert anonymise_deleted_accounts() == {"anonymised": 1}
    assert anonymise_deleted_accounts() == {"anonymised": 0}
    assert AuditLog.objects.filter(action="user.anonymised").count() == 1


def test_an_active_account_is_never_anonymised(young, clock):
    _later(clock, days=400)

    assert anonymise_deleted_accounts(older_than_days=0) == {"anonymised": 0}
    young.refresh_from_db()
    assert young.email == "lea@example.com"


def test_a_negative_delay_is_refused():
    assert error_code(anonymise_deleted_accounts, older_than_days=-1) == "INVALID_DELAY"


def test_the_command_anonymises_with_the_given_delay(young, clock):
    request_account_deletion(young, TEST_PASSWORD)
    _later(clock, days=2)
    out = StringIO()

    call_command("users", "anonymise", "--older-than-days", "3", stdout=out)
    assert "Comptes anonymisés : 0." in out.getvalue()
    call_command("users", "anonymise", "--older-than-days", "1", stdout=out)
    assert "Comptes anonymisés : 1." in out.getvalue()


def test_the_anonymisation_runs_daily_in_the_jobs_schedule():
    job = get_job("anonymise_deleted_accounts")

    assert job.every == dt.timedelta(days=1)
    assert job.load() is anonymise_deleted_accounts


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
def test_concurrent_anonymisation_runs_anonymise_each_account_once():
    user = UserFactory()
    request_account_deletion(user, TEST_PASSWORD, at=utc(2020, 1, 1))

    outcomes = run_concurrently([anonymise_deleted_accounts] * 3)

    assert_no_errors(outcomes)
    assert sum(o.value["anonymised"] for o in outcomes) == 1
    assert AuditLog.objects.filter(action="user.anonymised").count() == 1


def test_anonymisation_erases_what_the_identity_documents_said(young, clock):
    check = IdentityCheckFactory(user=young)
    request_account_deletion(young, TEST_PASSWORD)
    _later(clock, days=31)

    anonymise_deleted_accounts()

    check.refresh_from_db()
    assert (check.first_name, check.last_name, check.document_number, check.birth_date) == ("", "", "", None)
    assert not check.document_photo


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.postgres_only
def test_a_deletion_never_deadlocks_with_a_booking_holding_one_of_its_stocks():
    """The deletion cancels booking after booking; a concurrent transaction holds the stock of the second
    one and then wants the deposit (what book_offer does: stock, then deposit). The deletion must take
    every stock before any deposit, else each waits for the other and PostgreSQL aborts one."""
    user = UserFactory()
    deposit = DepositFactory(user=user)
    later = timezone.now() + dt.timedelta(days=10)
    _, second = (book_offer(user, StockFactory(beginning_datetime=later).pk) for _ in range(2))
    deletion_pid: list[int] = []
    holding = threading.Event()

    def delete():
        deletion_pid.append(connection.cursor().connection.info.backend_pid)
        holding.wait(timeout=30)
        return request_account_deletion(User.objects.get(pk=user.pk), TEST_PASSWORD)

    def hold_the_second_stock_then_the_deposit():
        with transaction.atomic():
            lock(Stock.objects.filter(pk=second.stock_id)).get()
            holding.set()
            _wait_until_waiting_on_a_lock(deletion_pid)
            lock(Deposit.objects.filter(pk=deposit.pk)).get()
        return "held"

    outcomes = run_concurrently([delete, hold_the_second_stock_then_the_deposit])

    assert_no_errors(outcomes)
    assert [o.kind for o in outcomes] == ["ok", "ok"]
    assert set(Booking.objects.filter(user=user).values_list("status", flat=True)) == {
        BookingStatus.CANCELLED
    }


def _wait_until_waiting_on_a_lock(pids: list[int], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if pids:
            with connection.cursor() as cursor:
                cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pids[0]])
                row = cursor.fetchone()
            if row and row[0] == "Lock":
                return
        time.sleep(0.05)
    pytest.fail("the deletion never waited on a lock")
