"""The pro home page: showtimes with seats, latest bookings, missing bank details, pending notices."""

import datetime as dt

import pytest
from django.urls import reverse

from passculture.core.bookings.factories import BookingFactory
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)  # 13:00 in Paris
DASHBOARD = reverse("pro:dashboard")


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def logged_in(client, pro):
    client.force_login(pro)
    return client


def test_todays_showtimes_with_seats_booked_and_left(logged_in, venue):
    StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        beginning_datetime=utc(2026, 3, 10, 19, 30),
        quantity=80,
        booked_quantity=12,
    )
    response = logged_in.get(DASHBOARD)
    (stock,) = response.context["todays_showtimes"]
    assert stock.offer.name == "Orbite basse"
    html = response.content.decode()
    assert "<td>12</td>" in html
    assert "<td>68</td>" in html
    assert "20:30" in html


def test_upcoming_showtimes_cover_the_next_seven_days(logged_in, venue):
    soon = StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 3, 17, 19, 0), quantity=None)
    StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 3, 18, 23, 30))  # the 19th in Paris
    StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 3, 9, 19, 0))  # yesterday
    response = logged_in.get(DASHBOARD)
    assert response.context["todays_showtimes"] == []
    assert response.context["upcoming_showtimes"] == [soon]
    assert "Illimitées" in response.content.decode()


def test_a_full_showtime_says_so(logged_in, venue):
    StockFactory(
        offer__venue=venue, beginning_datetime=utc(2026, 3, 10, 19, 0), quantity=5, booked_quantity=5
    )
    assert "Complet" in logged_in.get(DASHBOARD).content.decode()


def test_latest_ten_bookings_newest_first(logged_in, venue):
    bookings = [
        BookingFactory(stock__offer__venue=venue, booked_at=NOW - dt.timedelta(hours=i)) for i in range(12)
    ]
    latest = logged_in.get(DASHBOARD).context["latest_bookings"]
    assert latest == bookings[:10]


def test_the_dashboard_never_shows_another_offerers_data(logged_in, venue):
    other_venue = VenueFactory(name="Cinéma d'en face")
    StockFactory(
        offer__venue=other_venue, offer__name="Film d'en face", beginning_datetime=utc(2026, 3, 10, 19, 0)
    )
    BookingFactory(stock__offer__venue=other_venue, stock__offer__name="Autre film", token="THEIRS")
    response = logged_in.get(DASHBOARD)
    html = response.content.decode()
    assert response.context["todays_showtimes"] == []
    assert response.context["latest_bookings"] == []
    for text in ["Film d'en face", "Autre film", "THEIRS", "Cinéma d&#x27;en face"]:
        assert text not in html
    assert all(
        item["venue"].offerer_id == venue.offerer_id
        for item in response.context["venues_missing_bank_details"]
    )


def test_venues_missing_bank_details_are_listed(logged_in, venue):
    response = logged_in.get(DASHBOARD)
    listed = [item["venue"] for item in response.context["venues_missing_bank_details"]]
    assert listed == [venue]
    assert "Coordonnées bancaires manquantes" in response.content.decode()


def test_a_pending_membership_is_announced(client):
    pro = ProFactory()
    MembershipFactory(user=pro, offerer__name="Cinéma en attente", validation_status=ValidationStatus.PENDING)
    client.force_login(pro)
    html = client.get(DASHBOARD).content.decode()
    assert "Rattachement en attente" in html
    assert "Cinéma en attente" in html


def test_an_offerer_not_yet_validated_is_announced(client):
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=OffererFactory(validation_status=ValidationStatus.NEW))
    client.force_login(pro)
    response = client.get(DASHBOARD)
    assert response.context["offerer_pending"] is True
    assert "Structure en cours de validation" in response.content.decode()


def test_a_validated_offerer_has_no_pending_notice(logged_in):
    html = logged_in.get(DASHBOARD).content.decode()
    assert "Structure en cours de validation" not in html
    assert "Rattachement en attente" not in html


def test_the_dashboard_query_count_does_not_grow_with_data(logged_in, venue, django_assert_max_num_queries):
    BookingFactory(stock=StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 3, 10, 19, 0)))
    with django_assert_max_num_queries(15) as few:
        logged_in.get(DASHBOARD)
    for day in range(5):
        other_venue = VenueFactory(offerer=venue.offerer)
        BookingFactory(
            stock=StockFactory(offer__venue=other_venue, beginning_datetime=utc(2026, 3, 11 + day, 19, 0))
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = logged_in.get(DASHBOARD)
    assert len(response.context["upcoming_showtimes"]) == 5


# "Today" is each venue's own date: Réunion is UTC+4, Guadeloupe UTC-4 (neither has summer time).


@pytest.fixture
def reunion(venue):
    return VenueFactory(offerer=venue.offerer, timezone="Indian/Reunion", postal_code="97400")


@pytest.fixture
def guadeloupe(venue):
    return VenueFactory(offerer=venue.offerer, timezone="America/Guadeloupe", postal_code="97110")


def _dashboard_at(client, time_machine, moment):
    time_machine.move_to(moment, tick=False)
    context = client.get(DASHBOARD).context
    return context["todays_showtimes"], context["upcoming_showtimes"]


def test_at_21h_utc_a_reunion_venues_today_is_already_the_next_day(logged_in, reunion, time_machine):
    StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 10, 15, 0))  # the 10th at 19:00
    tonight = StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 11, 16, 0))  # 11th, 20:00
    later = StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 12, 16, 0))
    todays, upcoming = _dashboard_at(logged_in, time_machine, utc(2026, 3, 10, 21, 0))  # 11th, 01:00
    assert todays == [tonight]
    assert upcoming == [later]


def test_at_21h_utc_a_guadeloupe_venue_is_still_on_the_same_day(logged_in, guadeloupe, time_machine):
    earlier = StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 10, 14, 0))  # 10:00
    tonight = StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 11, 1, 0))  # 21:00
    tomorrow = StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 11, 18, 0))
    todays, upcoming = _dashboard_at(logged_in, time_machine, utc(2026, 3, 10, 21, 0))  # 10th, 17:00
    assert todays == [earlier, tonight]
    assert upcoming == [tomorrow]


def test_at_3h_utc_a_guadeloupe_venues_today_is_still_the_previous_day(logged_in, guadeloupe, time_machine):
    late_show = StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 10, 3, 30))  # 9th 23:30
    evening = StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 10, 22, 0))  # 10th 18:00
    todays, upcoming = _dashboard_at(logged_in, time_machine, utc(2026, 3, 10, 3, 0))  # 9th, 23:00
    assert todays == [late_show]
    assert upcoming == [evening]


def test_at_3h_utc_a_reunion_venue_is_on_the_utc_day(logged_in, reunion, time_machine):
    StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 9, 19, 0))  # the 9th at 23:00
    evening = StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 10, 16, 0))  # 10th 20:00
    after_midnight = StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 10, 20, 30))
    todays, upcoming = _dashboard_at(logged_in, time_machine, utc(2026, 3, 10, 3, 0))  # 10th, 07:00
    assert todays == [evening]
    assert upcoming == [after_midnight]


def test_each_venue_of_the_offerer_has_its_own_today(logged_in, reunion, guadeloupe, time_machine):
    reunion_tonight = StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 11, 16, 0))
    guadeloupe_tonight = StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 11, 1, 0))
    todays, upcoming = _dashboard_at(logged_in, time_machine, utc(2026, 3, 10, 21, 0))
    assert todays == [guadeloupe_tonight, reunion_tonight]
    assert upcoming == []
