"""The reimbursement side of the demo: bank details, months of used bookings, pricing; and the last
weeks of the demo pro's cinemas (recent.py), which the pro home page charts."""

import datetime as dt

import pytest
from django.conf import settings
from django.db.models import Sum

from passculture.core.bookings.constants import AUTO_VALIDATOR_LABEL, BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.bookings.statistics import bookings_per_day, top_films
from passculture.core.common.time import to_local
from passculture.core.credit.selectors import balance_of, latest_deposit
from passculture.core.finance import pricing
from passculture.core.finance.constants import BankAccountStatus
from passculture.core.finance.models import BankAccount, Pricing
from passculture.core.finance.periods import CUTOFF_TIMEZONE, cutoff_instant, latest_due_cutoff
from passculture.core.finance.validation import check_iban
from passculture.core.offerers.models import Venue
from passculture.core.offerers.selectors import validated_offerer_ids_of
from passculture.core.users.models import User
from passculture.demo import data
from passculture.demo.history import french_iban
from passculture.demo.recent import RECENT_BENEFICIARY_COUNT, recent_email
from passculture.demo.summary import reimbursement_summary

pytestmark = pytest.mark.usefixtures("demo")


def _history_users():
    return User.objects.filter(email__in=[data.history_email(n) for n in range(1, 21)])


def _history_bookings():
    return Booking.objects.filter(user__in=_history_users()).select_related("stock", "venue")


def test_french_iban_has_valid_keys(db):
    # `db` although no query runs: the module's demo fixture needs the migrated data, and pytest-django
    # runs tests without `db` last, after transactional tests have flushed the database.
    for bank, branch, account in (("30006", "00001", "12345678901"), ("20041", "00010", "00000000042")):
        assert str(check_iban(french_iban(bank, branch, account)).compact) == french_iban(
            bank, branch, account
        )


def test_every_venue_of_a_validated_offerer_has_accepted_bank_details_but_one(db):
    current = {account.venue_id: account for account in BankAccount.objects.filter(archived_at__isnull=True)}
    without = Venue.objects.get(name="Ciné Lumière Capitole")
    assert without.pk not in current
    for venue in Venue.objects.filter(offerer__validation_status="VALIDATED").exclude(pk=without.pk):
        assert current[venue.pk].status == BankAccountStatus.ACCEPTED, venue.name
    # The venue of the offerer waiting for validation has sent its details: they wait in the queue.
    pending = Venue.objects.get(name="Ciné Cathédrale")
    assert current[pending.pk].status == BankAccountStatus.PENDING
    assert len({account.iban for account in current.values()}) == len(current)


def test_bank_details_were_accepted_before_the_first_used_booking(db):
    first_use = Booking.objects.filter(status=BookingStatus.USED).earliest("used_at").used_at
    accepted = BankAccount.objects.filter(status=BankAccountStatus.ACCEPTED)
    assert accepted.count() >= 8
    assert all(account.decided_at < first_use for account in accepted)


def test_twenty_history_beneficiaries_went_to_the_cinema_over_the_past_months(db, demo):
    users = _history_users()
    assert users.count() == data.HISTORY_BENEFICIARY_COUNT == 20
    bookings = _history_bookings()
    assert bookings.count() >= 150
    assert {booking.user_id for booking in bookings} == {user.pk for user in users}
    months = {to_local(b.stock.beginning_datetime, settings.TIME_ZONE).strftime("%Y-%m") for b in bookings}
    assert len(months) >= 8
    assert len({booking.venue_id for booking in bookings}) >= 8
    for booking in bookings:
        start = booking.stock.beginning_datetime
        assert booking.status == BookingStatus.USED
        assert booking.booked_at < booking.used_at < demo.at
        assert start <= demo.at - dt.timedelta(days=2)
        if booking.validated_by_label == AUTO_VALIDATOR_LABEL:
            # The hourly job: first run after the show + 48 h.
            assert dt.timedelta(hours=48) <= booking.used_at - start < dt.timedelta(hours=49)
        else:
            # At the counter, shortly before the show.
            assert dt.timedelta(0) < start - booking.used_at <= dt.timedelta(minutes=40)
    labels = {booking.validated_by_label for booking in bookings}
    assert AUTO_VALIDATOR_LABEL in labels and len(labels) > 1


def test_history_beneficiaries_spent_within_their_credit(db, demo):
    for user in _history_users():
        deposit = latest_deposit(user)
        balance = balance_of(user, demo.at)
        spent = sum(b.amount_cents * b.quantity for b in Booking.objects.filter(user=user))
        assert not balance.is_expired
        assert balance.spent_cents == spent
        assert 0 < spent <= deposit.amount_cents * data.HISTORY_SPEND_SHARE
        assert deposit.granted_at < Booking.objects.filter(user=user).earliest("booked_at").booked_at


def test_every_reimbursable_booking_is_priced_at_100_percent_below_the_threshold(db, demo):
    used = Booking.objects.filter(
        status=BookingStatus.USED, amount_cents__gt=0, stock__beginning_datetime__lte=demo.at
    )
    assert used.count() >= 150
    assert not used.filter(pricing__isnull=True).exists()
    assert pricing.price_bookings(at=demo.at)["priced"] == 0  # nothing left to price
    totals = Pricing.objects.aggregate(booked=Sum("booking_amount_cents"), paid=Sum("reimbursed_cents"))
    assert totals["booked"] == totals["paid"] > 0
    assert demo.pricing_result["priced"] == Pricing.objects.count()


def test_the_latest_due_batch_has_something_to_pay_and_something_waiting(db, demo):
    cutoff = latest_due_cutoff(to_local(demo.at, CUTOFF_TIMEZONE).date())
    before = Pricing.objects.filter(validated_at__lt=cutoff_instant(cutoff))
    accepted = BankAccount.objects.filter(status=BankAccountStatus.ACCEPTED).values_list(
        "venue_id", flat=True
    )
    assert before.filter(venue_id__in=accepted).count() >= 100
    # The venue without bank details has priced bookings that wait.
    assert before.filter(venue__name="Ciné Lumière Capitole").exists()


def test_summary_tells_bank_details_pricing_and_the_command_to_try(db, demo):
    text = reimbursement_summary(demo.at)
    assert "9 lieux avec coordonnées bancaires validées" in text
    assert "sans coordonnées : Ciné Lumière Capitole" in text
    assert f"{Pricing.objects.count()} réservations utilisées valorisées" in text
    cutoff = latest_due_cutoff(to_local(demo.at, CUTOFF_TIMEZONE).date())
    assert f"passculture payments generate --cutoff {cutoff.isoformat()}" in text
    assert data.history_email(20) in text


# --- The last weeks (recent.py) ---------------------------------------------------------------------


def test_each_structure_of_the_demo_pro_has_bookings_over_the_last_weeks(db, demo):
    pro = User.objects.get(email=data.PRO_EMAIL)
    for offerer_id in validated_offerer_ids_of(pro):
        days = bookings_per_day([offerer_id], demo.at)
        assert sum(1 for day in days if day.count) >= 10, offerer_id
        assert len(top_films([offerer_id], demo.at)) == 5


def test_recent_beneficiaries_stay_within_their_credit(db, demo):
    for number in range(1, RECENT_BENEFICIARY_COUNT + 1):
        user = User.objects.get(email=recent_email(number))
        balance = balance_of(user, demo.at)
        assert not balance.is_expired
        assert balance.spent_cents < balance.initial_cents
