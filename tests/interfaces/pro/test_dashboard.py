"""The pro home page: showtimes with seats, latest bookings, missing bank details, pending notices."""

import datetime as dt

import pytest
from django.urls import reverse

from passculture.core.bookings.factories import BookingFactory
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory
from passculture.interfaces.pro import dashboard as dashboard_module
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


def test_without_the_finance_app_the_bank_panel_is_left_out(logged_in, venue, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_finance(name, *args, **kwargs):
        if name.startswith("passculture.core.finance"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_finance)
    assert dashboard_module._venues_missing_bank_details([venue.offerer_id]) == []


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
