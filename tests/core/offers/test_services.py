import datetime as dt

import pytest
from django.core.files.base import ContentFile

from passculture.core.bookings import services as bookings
from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.common.models import AuditLog
from passculture.core.credit.selectors import balance_of
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingOfferFactory, ThingStockFactory
from passculture.core.offers.models import Offer, Stock
from passculture.core.offers.scheduling import Schedule
from passculture.core.offers.services import (
    create_offer,
    create_showtimes,
    create_stock,
    delete_stock,
    set_offer_active,
    update_offer,
    update_stock,
)
from passculture.core.offers.validation import is_bookable
from passculture.core.users.factories import ProFactory
from tests.helpers import error_code

from .conftest import NOW

pytestmark = pytest.mark.django_db
START = NOW + dt.timedelta(days=5)


@pytest.fixture
def offer(venue):
    return OfferFactory(venue=venue)


@pytest.fixture
def thing_offer(venue):
    return ThingOfferFactory(venue=venue)


def test_thing_price_cannot_exceed_300_eur(thing_offer, pro):
    assert error_code(create_stock, offer=thing_offer, price_cents=300_01, actor=pro) == "PRICE_TOO_HIGH"
    assert create_stock(offer=thing_offer, price_cents=300_00, actor=pro).price_cents == 300_00


def test_thing_price_cannot_be_raised_above_300_eur(thing_offer, pro):
    stock = create_stock(offer=thing_offer, price_cents=100_00, actor=pro)
    assert error_code(update_stock, stock.pk, price_cents=300_01, actor=pro) == "PRICE_TOO_HIGH"


def test_showtime_price_is_not_capped_at_300_eur(offer, pro):
    assert create_stock(offer=offer, price_cents=350_00, beginning=START, actor=pro).price_cents == 350_00


def test_stock_price_cannot_be_negative(offer, pro):
    assert (
        error_code(create_stock, offer=offer, price_cents=-1, beginning=START, actor=pro) == "INVALID_PRICE"
    )


def test_stock_quantity_cannot_be_negative(offer, pro):
    assert (
        error_code(create_stock, offer=offer, price_cents=800, quantity=-1, beginning=START, actor=pro)
        == "INVALID_STOCK_QUANTITY"
    )


def test_showtime_needs_a_start(offer, pro):
    assert error_code(create_stock, offer=offer, price_cents=800, actor=pro) == "BEGINNING_REQUIRED"


def test_showtime_booking_limit_defaults_to_its_start(offer, pro):
    stock = create_stock(offer=offer, price_cents=800, quantity=None, beginning=START, actor=pro)
    assert stock.booking_limit_datetime == START
    assert stock.quantity is None


def test_showtime_booking_limit_cannot_follow_its_start(offer, pro):
    code = error_code(
        create_stock,
        offer=offer,
        price_cents=800,
        beginning=START,
        booking_limit=START + dt.timedelta(minutes=1),
        actor=pro,
    )
    assert code == "BOOKING_LIMIT_AFTER_BEGINNING"


def test_moving_a_showtime_moves_its_default_booking_limit(offer, pro):
    stock = create_stock(offer=offer, price_cents=800, beginning=START, actor=pro)
    later = START + dt.timedelta(hours=3)
    stock = update_stock(stock.pk, beginning=later, actor=pro)
    assert stock.booking_limit_datetime == later


def test_update_stock_remembers_the_fields_the_pro_edited(offer, pro):
    stock = create_stock(offer=offer, price_cents=800, quantity=50, beginning=START, actor=pro)
    stock = update_stock(stock.pk, price_cents=900, quantity=50, actor=pro)
    assert stock.edited_fields == ["price_cents"]
    stock = update_stock(stock.pk, quantity=40, booking_limit=START - dt.timedelta(hours=1), actor=pro)
    stock.refresh_from_db()
    assert stock.edited_fields == ["price_cents", "quantity", "booking_limit_datetime"]


def test_moving_a_showtime_records_the_move_not_an_edit_of_its_booking_limit(offer, pro):
    stock = create_stock(offer=offer, price_cents=800, beginning=START, actor=pro)
    stock = update_stock(stock.pk, beginning=START + dt.timedelta(hours=3), actor=pro)
    # The limit followed the start; an import must leave both as the move left them.
    assert stock.booking_limit_datetime == START + dt.timedelta(hours=3)
    assert stock.edited_fields == ["beginning_datetime"]


def test_thing_stock_has_no_date(thing_offer, pro):
    stock = create_stock(offer=thing_offer, price_cents=20_00, beginning=START, actor=pro)
    assert (stock.beginning_datetime, stock.booking_limit_datetime) == (None, None)


def test_stock_quantity_cannot_go_below_booked_places(stock, beneficiary, pro):
    bookings.book_offer(beneficiary, stock.pk, 1)
    assert error_code(update_stock, stock.pk, quantity=0, actor=pro) == "QUANTITY_BELOW_BOOKINGS"
    assert update_stock(stock.pk, quantity=1, actor=pro).quantity == 1


def test_only_members_of_the_offerer_manage_its_offers(offer, venue):
    stranger = ProFactory()
    assert error_code(create_offer, venue=venue, name="Film", actor=stranger) == "OFFERER_ACCESS_DENIED"
    assert error_code(create_stock, offer=offer, price_cents=800, beginning=START, actor=stranger) == (
        "OFFERER_ACCESS_DENIED"
    )
    assert error_code(set_offer_active, offer, False, actor=stranger) == "OFFERER_ACCESS_DENIED"


def test_pro_can_deactivate_an_offer_and_its_showtimes_become_unbookable(stock, pro):
    set_offer_active(stock.offer, False, actor=pro)
    stock.refresh_from_db()
    assert stock.offer.is_active is False
    assert not is_bookable(stock, NOW)
    assert AuditLog.objects.filter(action="offer.deactivated").exists()


def test_deleting_a_showtime_with_bookings_cancels_them_reason_offerer(stock, beneficiary, pro):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    assert delete_stock(stock.pk, actor=pro) == 1
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert booking.cancellation_reason == CancellationReason.OFFERER
    assert balance_of(beneficiary).remaining_cents == 300_00
    stock.refresh_from_db()
    assert (stock.is_deleted, stock.booked_quantity) == (True, 0)


def test_deleting_a_showtime_tells_the_beneficiaries(stock, beneficiary, pro):
    bookings.book_offer(beneficiary, stock.pk, 1)
    before = set(OutboxEmail.objects.values_list("pk", flat=True))
    delete_stock(stock.pk, actor=pro)
    new_emails = OutboxEmail.objects.exclude(pk__in=before)
    assert any(beneficiary.email in email.to for email in new_emails)


def test_deleting_a_showtime_keeps_its_used_bookings(stock, beneficiary, pro):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    bookings.validate_countermark(
        bookings.CounterActor.for_user(pro), booking.token, at=booking.cancellation_limit_datetime
    )
    assert delete_stock(stock.pk, actor=pro, at=stock.beginning_datetime) == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.USED


def test_event_stock_can_be_deleted_until_48h_after_its_start(pro, venue):
    stock = StockFactory(offer__venue=venue, beginning_datetime=START)
    assert delete_stock(stock.pk, actor=pro, at=START + dt.timedelta(hours=48)) == 0
    assert Stock.objects.get(pk=stock.pk).is_deleted


def test_event_stock_cannot_be_deleted_more_than_48h_after_its_start(pro, venue):
    stock = StockFactory(offer__venue=venue, beginning_datetime=START)
    at = START + dt.timedelta(hours=48, seconds=1)
    assert error_code(delete_stock, stock.pk, actor=pro, at=at) == "STOCK_DELETION_TOO_LATE"
    assert not Stock.objects.get(pk=stock.pk).is_deleted


def test_thing_stock_can_be_deleted_at_any_time(pro, venue):
    stock = ThingStockFactory(offer__venue=venue)
    delete_stock(stock.pk, actor=pro, at=NOW + dt.timedelta(days=3650))
    assert Stock.objects.get(pk=stock.pk).is_deleted


def test_deleted_stock_cannot_be_deleted_again_nor_edited(stock, pro):
    delete_stock(stock.pk, actor=pro)
    assert error_code(delete_stock, stock.pk, actor=pro) == "STOCK_NOT_FOUND"
    assert error_code(update_stock, stock.pk, price_cents=500, actor=pro) == "STOCK_NOT_FOUND"


def test_only_members_of_the_offerer_delete_its_showtimes(stock):
    assert error_code(delete_stock, stock.pk, actor=ProFactory()) == "OFFERER_ACCESS_DENIED"


def test_moving_a_showtime_moves_the_cancellation_limit_of_its_bookings(stock, beneficiary, pro):
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    assert booking.cancellation_limit_datetime == NOW + dt.timedelta(hours=48)
    sooner = NOW + dt.timedelta(hours=60)
    update_stock(stock.pk, beginning=sooner, actor=pro)
    booking.refresh_from_db()
    # Rule B-MOVE: the move gives back 48 h from the notice (decision 0030), here also the old limit.
    assert booking.cancellation_limit_datetime == NOW + dt.timedelta(hours=48)


# --- Offers by hand (pro portal) -----------------------------------------------------------------


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def week_schedule(**options):
    return Schedule(
        start_date=dt.date(2026, 3, 16),
        end_date=dt.date(2026, 3, 22),
        times=(dt.time(14, 0), dt.time(20, 30)),
        version="VF",
        price_cents=750,
        **options,
    )


def test_create_showtimes_creates_every_planned_showtime_with_its_price_and_seats(offer, pro):
    stocks, plan = create_showtimes(offer, week_schedule(quantity=80), actor=pro)
    assert len(stocks) == plan.count == 14
    saved = list(Stock.objects.filter(offer=offer).order_by("beginning_datetime"))
    assert [stock.beginning_datetime for stock in saved] == [p.beginning for p in plan.showtimes]
    assert {(s.price_cents, s.quantity, s.version) for s in saved} == {(750, 80, "VF")}


def test_create_showtimes_with_empty_seats_means_unlimited(offer, pro):
    stocks, _plan = create_showtimes(offer, week_schedule(), actor=pro)
    assert {stock.quantity for stock in Stock.objects.filter(offer=offer)} == {None}
    assert len(stocks) == 14


def test_create_showtimes_twice_creates_the_duplicates_only_once(offer, pro):
    create_showtimes(offer, week_schedule(), actor=pro)
    assert error_code(create_showtimes, offer, week_schedule(), actor=pro) == "NO_SHOWTIME_TO_CREATE"
    assert Stock.objects.filter(offer=offer).count() == 14


def test_create_showtimes_is_written_to_the_audit_log(offer, pro):
    stocks, _plan = create_showtimes(offer, week_schedule(), actor=pro)
    entry = AuditLog.objects.get(action="stock.bulk_created")
    assert (entry.actor, entry.data["count"]) == (pro, 14)
    assert entry.data["stock_ids"] == [stock.pk for stock in stocks]


def test_create_showtimes_over_the_cap_creates_nothing(offer, pro):
    too_many = Schedule(
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2026, 12, 31),
        times=(dt.time(14, 0), dt.time(20, 30)),
        price_cents=750,
    )
    assert error_code(create_showtimes, offer, too_many, actor=pro) == "TOO_MANY_SHOWTIMES"
    assert not Stock.objects.filter(offer=offer).exists()


def test_only_members_of_the_offerer_create_showtimes(offer):
    assert error_code(create_showtimes, offer, week_schedule(), actor=ProFactory()) == "OFFERER_ACCESS_DENIED"
    assert not Stock.objects.filter(offer=offer).exists()


def test_a_card_has_a_single_stock(thing_offer, pro):
    create_stock(offer=thing_offer, price_cents=20_00, actor=pro)
    assert (
        error_code(create_stock, offer=thing_offer, price_cents=25_00, actor=pro) == "THING_OFFER_HAS_A_STOCK"
    )


def test_a_card_gets_a_new_stock_once_the_old_one_is_deleted(thing_offer, pro):
    stock = create_stock(offer=thing_offer, price_cents=20_00, actor=pro)
    delete_stock(stock.pk, actor=pro)
    assert create_stock(offer=thing_offer, price_cents=25_00, actor=pro).price_cents == 25_00


def test_offer_description_is_sanitised_on_creation(venue, pro):
    offer = create_offer(
        venue=venue,
        name="Film",
        description='<p onclick="x()">Un <b>grand</b> film<script>alert(1)</script><img src=x></p>',
        actor=pro,
    )
    assert offer.description == "<p>Un <b>grand</b> film</p>"


def test_offer_description_is_sanitised_on_update(offer, pro):
    update_offer(offer, description='<a href="javascript:alert(1)">voir</a><iframe></iframe>', actor=pro)
    offer.refresh_from_db()
    assert offer.description == '<a rel="noopener noreferrer">voir</a>'


def test_offer_fields_are_checked(venue, pro):
    assert error_code(create_offer, venue=venue, name="  ", actor=pro) == "OFFER_NAME_REQUIRED"
    assert (
        error_code(create_offer, venue=venue, name="F", duration_minutes=0, actor=pro) == "INVALID_DURATION"
    )
    assert (
        error_code(create_offer, venue=venue, name="F", languages=["fr", "zz"], actor=pro)
        == "INVALID_LANGUAGE"
    )
    assert error_code(create_offer, venue=venue, name="F", category="LIVRE", actor=pro) == "INVALID_CATEGORY"
    assert error_code(create_offer, venue=venue, name="F", description="a" * 1001, actor=pro) == (
        "DESCRIPTION_TOO_LONG"
    )


def test_update_offer_changes_the_given_fields_and_logs_them(offer, pro):
    update_offer(offer, name="Nouveau titre", is_duo=True, languages=["en"], actor=pro)
    offer.refresh_from_db()
    assert (offer.name, offer.is_duo, offer.languages) == ("Nouveau titre", True, ["en"])
    entry = AuditLog.objects.get(action="offer.updated")
    assert entry.data["fields"] == ["is_duo", "languages", "name"]


def test_only_members_of_the_offerer_edit_its_offers(offer):
    assert error_code(update_offer, offer, name="Piraté", actor=ProFactory()) == "OFFERER_ACCESS_DENIED"
    offer.refresh_from_db()
    assert offer.name != "Piraté"


def test_a_new_image_replaces_the_old_file(offer, pro, media_root, django_capture_on_commit_callbacks):
    update_offer(offer, image_file=ContentFile(b"first", name="first.jpg"), actor=pro)
    old = Offer.objects.get(pk=offer.pk).image.name
    assert (media_root / old).exists()
    with django_capture_on_commit_callbacks(execute=True):
        update_offer(offer, image_file=ContentFile(b"second", name="second.jpg"), actor=pro)
    assert not (media_root / old).exists()
    assert (media_root / Offer.objects.get(pk=offer.pk).image.name).read_bytes() == b"second"


def test_deleting_a_showtime_refuses_when_more_bookings_than_confirmed_would_be_cancelled(
    stock, beneficiary, pro
):
    bookings.book_offer(beneficiary, stock.pk, 1)
    assert error_code(delete_stock, stock.pk, actor=pro, expected_cancellations=0) == "STOCK_BOOKINGS_CHANGED"
    assert not Stock.objects.get(pk=stock.pk).is_deleted
    assert delete_stock(stock.pk, actor=pro, expected_cancellations=1) == 1


def test_deleting_too_late_says_so_before_asking_to_confirm_new_bookings(pro, venue, beneficiary):
    stock = StockFactory(offer__venue=venue, beginning_datetime=START)
    bookings.book_offer(beneficiary, stock.pk, 1)
    at = START + dt.timedelta(hours=48, seconds=1)
    code = error_code(delete_stock, stock.pk, actor=pro, at=at, expected_cancellations=0)
    assert code == "STOCK_DELETION_TOO_LATE"


def test_a_showtime_cannot_be_moved_into_the_past(stock, pro):
    assert error_code(update_stock, stock.pk, beginning=NOW, actor=pro) == "STOCK_START_IN_PAST"
    assert error_code(update_stock, stock.pk, beginning=NOW - dt.timedelta(days=1), actor=pro) == (
        "STOCK_START_IN_PAST"
    )
    assert Stock.objects.get(pk=stock.pk).beginning_datetime == stock.beginning_datetime


def test_a_started_showtime_keeps_its_start_and_price(pro, venue):
    stock = StockFactory(offer__venue=venue, beginning_datetime=START, price_cents=800)
    started = START + dt.timedelta(minutes=1)
    later = START + dt.timedelta(days=1)
    assert (
        error_code(update_stock, stock.pk, beginning=later, actor=pro, at=started) == "STOCK_ALREADY_STARTED"
    )
    assert (
        error_code(update_stock, stock.pk, price_cents=900, actor=pro, at=started) == "STOCK_ALREADY_STARTED"
    )
    stock.refresh_from_db()
    assert (stock.beginning_datetime, stock.price_cents) == (START, 800)


def test_a_started_showtime_may_still_change_its_seats(pro, venue):
    stock = StockFactory(offer__venue=venue, beginning_datetime=START, price_cents=800, quantity=100)
    # A form sends every field back: unchanged start and price are not a change.
    updated = update_stock(
        stock.pk, beginning=START, price_cents=800, quantity=120, actor=pro, at=START + dt.timedelta(hours=1)
    )
    assert updated.quantity == 120


def test_a_thing_stock_price_can_change_at_any_time(thing_offer, pro):
    stock = create_stock(offer=thing_offer, price_cents=20_00, actor=pro)
    at = NOW + dt.timedelta(days=3650)
    assert update_stock(stock.pk, price_cents=25_00, actor=pro, at=at).price_cents == 25_00


def test_deleting_a_showtime_tells_the_venue_the_showtime_was_deleted(stock, beneficiary, pro):
    stock.offer.venue.booking_email = "resa@cinema.example.com"
    stock.offer.venue.save(update_fields=["booking_email"])
    bookings.book_offer(beneficiary, stock.pk, 1)
    delete_stock(stock.pk, actor=pro)
    to_pro = OutboxEmail.objects.get(kind="booking_cancelled_pro")
    assert "La séance a été supprimée" in to_pro.text_body
    assert "de nouveau disponible" not in to_pro.text_body


def test_a_thing_stock_stays_without_a_date_when_edited(thing_offer, pro):
    stock = create_stock(offer=thing_offer, price_cents=20_00, actor=pro)
    updated = update_stock(stock.pk, beginning=START, price_cents=25_00, actor=pro)
    assert (updated.beginning_datetime, updated.price_cents) == (None, 25_00)
    assert Stock.objects.get(pk=stock.pk).beginning_datetime is None
