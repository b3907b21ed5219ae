"""The daily digest job (decision 0035): which day, when, once, overseas, and at what cost."""

import datetime as dt

import pytest
import time_machine

from passculture.core.bookings import digest
from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.factories import BookingFactory
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers import booking_notifications
from passculture.core.offerers.constants import BookingNotification
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offerers.models import VenueBookingDigest
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

PARIS, REUNION, CAYENNE, NOUMEA = "Europe/Paris", "Indian/Reunion", "America/Cayenne", "Pacific/Noumea"
DAY = dt.date(2026, 12, 10)  # a Thursday; Paris is UTC+1 in December
# 08:00 on the 11th in Paris: the first moment the digest of the 10th may go.
PARIS_8H = utc(2026, 12, 11, 7, 0)


def _digests():
    return OutboxEmail.objects.filter(kind="booking_digest_pro")


def _digest_venue(tz=PARIS, **extra):
    return VenueFactory(
        timezone=tz,
        booking_notification=BookingNotification.DIGEST,
        booking_email="caisse@cinema.fr",
        **extra,
    )


def _book(venue, booked_at, **extra):
    stock = extra.pop("stock", None) or StockFactory(
        offer__venue=venue, beginning_datetime=utc(2026, 12, 12, 19, 30)
    )
    return BookingFactory(stock=stock, booked_at=booked_at, **extra)


# --- The rule: which day, from when ----------------------------------------------------------------


def test_the_digest_covers_yesterday_from_8h_local():
    assert digest.digest_day(utc(2026, 12, 11, 6, 59), PARIS) is None  # 07:59 in Paris
    assert digest.digest_day(PARIS_8H, PARIS) == DAY
    assert digest.digest_day(utc(2026, 12, 11, 20, 59), PARIS) == DAY  # 21:59
    assert digest.digest_day(utc(2026, 12, 11, 21, 0), PARIS) is None  # 22:00: quiet hours


@pytest.mark.parametrize(
    ("tz", "eight_local"),
    [
        (REUNION, utc(2026, 12, 11, 4, 0)),  # UTC+4
        (CAYENNE, utc(2026, 12, 11, 11, 0)),  # UTC-3
        (NOUMEA, utc(2026, 12, 10, 21, 0)),  # UTC+11: 08:00 on the 11th is still the 10th in UTC
    ],
)
def test_overseas_the_day_and_the_8h_are_the_venue_local_ones(tz, eight_local):
    assert digest.digest_day(eight_local - dt.timedelta(minutes=1), tz) is None
    assert digest.digest_day(eight_local, tz) == DAY


def test_a_local_day_is_midnight_to_midnight_in_the_venue_timezone():
    assert digest.day_bounds(DAY, PARIS) == (utc(2026, 12, 9, 23, 0), utc(2026, 12, 10, 23, 0))
    assert digest.day_bounds(DAY, NOUMEA) == (utc(2026, 12, 9, 13, 0), utc(2026, 12, 10, 13, 0))
    # The day the clocks go back in Paris lasts 25 hours.
    start, end = digest.day_bounds(dt.date(2026, 10, 25), PARIS)
    assert end - start == dt.timedelta(hours=25)


# --- The job ---------------------------------------------------------------------------------------


def test_the_job_sends_the_digest_once_even_when_run_twice(db):
    venue = _digest_venue()
    _book(venue, utc(2026, 12, 10, 9, 0))

    assert digest.send_booking_digests(at=PARIS_8H)["sent"] == 1
    assert digest.send_booking_digests(at=PARIS_8H) == {"sent": 0, "empty": 0, "taken": 0}
    assert digest.send_booking_digests(at=PARIS_8H + dt.timedelta(hours=5))["sent"] == 0

    (email,) = _digests()
    assert email.to == ["caisse@cinema.fr"]
    row = VenueBookingDigest.objects.get()
    assert (row.venue, row.day, row.email, row.bookings_count) == (venue, DAY, email, 1)


def test_nothing_is_sent_before_8h_local(db):
    venue = _digest_venue()
    _book(venue, utc(2026, 12, 10, 9, 0))
    assert digest.send_booking_digests(at=PARIS_8H - dt.timedelta(minutes=1))["sent"] == 0
    assert not _digests().exists() and not VenueBookingDigest.objects.exists()


def test_nothing_is_sent_for_a_day_without_bookings_nor_cancellations(db):
    venue = _digest_venue()
    _book(venue, utc(2026, 12, 9, 22, 59))  # 23:59 on the 9th in Paris: the day before

    assert digest.send_booking_digests(at=PARIS_8H) == {"sent": 0, "empty": 1, "taken": 0}
    assert not _digests().exists()
    # The day is settled: later runs do not read the venue's bookings again.
    assert VenueBookingDigest.objects.get().email is None
    assert digest.send_booking_digests(at=PARIS_8H + dt.timedelta(hours=1))["empty"] == 0


def test_a_cancellation_alone_makes_a_digest(db):
    venue = _digest_venue()
    _book(
        venue,
        utc(2026, 12, 1, 9, 0),
        status=BookingStatus.CANCELLED,
        cancelled_at=utc(2026, 12, 10, 15, 0),
        cancellation_reason=CancellationReason.BENEFICIARY,
    )
    assert digest.send_booking_digests(at=PARIS_8H)["sent"] == 1
    assert VenueBookingDigest.objects.get().cancellations_count == 1


def test_venues_on_the_email_per_booking_get_no_digest(db):
    venue = VenueFactory(booking_notification=BookingNotification.EACH)
    _book(venue, utc(2026, 12, 10, 9, 0))
    assert digest.send_booking_digests(at=PARIS_8H)["sent"] == 0


def test_only_the_venue_own_bookings_are_in_its_digest(db):
    venue, other = _digest_venue(), _digest_venue()
    _book(venue, utc(2026, 12, 10, 9, 0), token="AAAAA2")
    _book(other, utc(2026, 12, 10, 9, 0), token="BBBBB3")

    assert digest.send_booking_digests(at=PARIS_8H)["sent"] == 2
    by_venue = {row.venue_id: row.email for row in VenueBookingDigest.objects.select_related("email")}
    assert "AAAAA2" in by_venue[venue.pk].text_body and "BBBBB3" not in by_venue[venue.pk].text_body
    assert "BBBBB3" in by_venue[other.pk].text_body and "AAAAA2" not in by_venue[other.pk].text_body


def test_a_venue_that_left_the_digest_still_gets_the_day_it_was_on_it(db):
    venue = _digest_venue()
    _book(venue, utc(2026, 12, 10, 9, 0))
    with time_machine.travel(utc(2026, 12, 10, 16, 0), tick=False):  # 17:00 on the day
        booking_notifications.set_booking_notifications(
            venue, actor=None, booking_email="caisse@cinema.fr", mode=BookingNotification.EACH
        )
    assert digest.send_booking_digests(at=PARIS_8H)["sent"] == 1
    # The next day it was not on the digest any more: nothing is owed.
    _book(venue, utc(2026, 12, 11, 9, 0))
    assert digest.send_booking_digests(at=PARIS_8H + dt.timedelta(days=1))["sent"] == 0


@pytest.mark.parametrize(
    ("tz", "booked_at", "eight_local"),
    [
        (REUNION, utc(2026, 12, 9, 20, 30), utc(2026, 12, 11, 4, 0)),  # 00:30 on the 10th in La Réunion
        (CAYENNE, utc(2026, 12, 11, 2, 30), utc(2026, 12, 11, 11, 0)),  # 23:30 on the 10th in Cayenne
        (NOUMEA, utc(2026, 12, 9, 13, 30), utc(2026, 12, 10, 21, 0)),  # 00:30 on the 10th in Nouméa
    ],
)
def test_overseas_venues_get_their_local_day_at_their_own_8h(db, tz, booked_at, eight_local):
    venue = _digest_venue(tz)
    _book(venue, booked_at)
    with time_machine.travel(eight_local - dt.timedelta(minutes=1), tick=False):
        assert digest.send_booking_digests()["sent"] == 0
    with time_machine.travel(eight_local, tick=False):
        assert digest.send_booking_digests()["sent"] == 1
    row = VenueBookingDigest.objects.get()
    assert (row.day, row.bookings_count) == (DAY, 1)
    # Paris, at that instant, is at another hour: a Paris venue's digest follows its own clock.
    assert digest.digest_day(eight_local - dt.timedelta(minutes=1), tz) is None


def test_the_digest_is_due_at_once_at_8h_and_never_queued_in_quiet_hours(db):
    venue = _digest_venue()
    _book(venue, utc(2026, 12, 10, 9, 0))
    with time_machine.travel(utc(2026, 12, 11, 21, 0), tick=False):  # 22:00 on the 11th in Paris
        assert digest.send_booking_digests()["sent"] == 0
    with time_machine.travel(PARIS_8H, tick=False):
        assert digest.send_booking_digests()["sent"] == 1
    assert _digests().get().next_attempt_at == PARIS_8H


def test_the_job_is_in_the_schedule():
    from passculture.core.jobs.schedule import get_job

    assert get_job("booking_digests").load() is digest.send_booking_digests


# --- Scale: 500 bookings a day cost a fixed number of queries ---------------------------------------


def test_a_busy_venue_digest_reads_its_bookings_in_two_queries(db, django_assert_max_num_queries):
    venue = _digest_venue()
    # One booking per person and film: 25 films (one showtime each) booked by 20 people.
    stocks = [
        StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 12, 12, 19, 30)) for _ in range(25)
    ]
    users = [UserFactory() for _ in range(20)]
    rows = [
        BookingFactory.build(
            stock=stocks[i % 25],
            user=users[i // 25],
            booked_at=utc(2026, 12, 10, 9, 0) + dt.timedelta(seconds=i),
        )
        for i in range(500)
    ]
    from passculture.core.bookings.models import Booking

    Booking.objects.bulk_create(rows)
    start, end = digest.day_bounds(DAY, PARIS)
    with django_assert_max_num_queries(2):
        booked, cancelled = digest.digest_rows(venue.pk, start, end)
    assert (len(booked), len(cancelled)) == (500, 0)
    # The whole run for that venue: the claim, the two reads, the outbox row and the bookkeeping.
    with django_assert_max_num_queries(12):
        assert digest.send_venue_digest(venue, DAY, PARIS_8H) == "sent"
    sent = _digests().get()
    assert sent.text_body.count("· réservée à") == 500
    # Gmail clips a message past 102 KB: the busiest day still shows whole.
    assert len(sent.html_body.encode()) < 100_000


# --- Two runs at once, on PostgreSQL ----------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_runs_send_each_digest_once():
    import threading

    from django.db import connection

    venues = [_digest_venue() for _ in range(4)]
    for venue in venues:
        _book(venue, utc(2026, 12, 10, 9, 0))
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '20s'")
            barrier.wait(timeout=30)
            results.append(digest.send_booking_digests(at=PARIS_8H))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(results) == 2
    assert sum(result["sent"] for result in results) == 4
    assert _digests().count() == 4
    assert VenueBookingDigest.objects.count() == 4
