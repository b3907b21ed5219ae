"""A showtime stored before dates were bounded (year 9999) and booked: every page and API answer that
shows it still answers, for the beneficiary, the pro, the ticketing software and staff (issue 12: the
beneficiary's bookings answered 500 until the booking was cancelled)."""

import datetime as dt

import pytest
from django.test import Client

from passculture.core.bookings.services import book_offer
from passculture.core.offerers import api_keys
from passculture.core.offers.factories import StockFactory
from passculture.core.users import tokens
from passculture.core.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


TYPED_IN_PARIS = dt.datetime(9999, 12, 31, 22, 59, tzinfo=dt.UTC)  # 31/12/9999 23:59 in Paris
# Past the last representable moment once shown in Paris: a row written in UTC by a program.
WRITTEN_IN_UTC = dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC)


def _booking(beneficiary, venue, start: dt.datetime):
    stock = StockFactory(offer__venue=venue, beginning_datetime=start, booking_limit_datetime=start)
    return book_offer(beneficiary, stock.pk)


@pytest.fixture(params=[TYPED_IN_PARIS, WRITTEN_IN_UTC], ids=["paris-23h59", "utc-23h59"])
def booking(request, beneficiary, venue):
    return _booking(beneficiary, venue, request.param)


def test_the_beneficiary_s_pages_and_api_show_it(booking, beneficiary):
    web = Client(raise_request_exception=False)
    web.force_login(beneficiary)
    for path in (
        "/reservations/",
        f"/reservations/{booking.pk}/",
        f"/reservations/{booking.pk}/agenda.ics",
        f"/offres/{booking.offer_id}/",
        "/credit/",
    ):
        assert web.get(path).status_code == 200, path
    bearer = {"Authorization": f"Bearer {tokens.issue_access_token(beneficiary)}"}
    api = Client(raise_request_exception=False, headers=bearer)
    for path in ("/bookings", f"/bookings/{booking.pk}", f"/offers/{booking.offer_id}", "/me/credit"):
        assert api.get(f"/api/native/v1{path}").status_code == 200, path


def test_the_pro_s_pages_and_the_ticketing_api_show_it(booking, pro, venue):
    web = Client(raise_request_exception=False)
    web.force_login(pro)
    for path in (
        "/pro/",
        "/pro/reservations/",
        "/pro/reservations/export.csv",
        "/pro/reservations/export.xlsx",
        f"/pro/offres/{booking.offer_id}/",
        f"/pro/offres/{booking.offer_id}/seances/{booking.stock_id}/modifier/",
        f"/pro/offres/{booking.offer_id}/seances/{booking.stock_id}/supprimer/",
        "/pro/guichet/",
    ):
        assert web.get(path).status_code == 200, path
    assert web.post("/pro/guichet/valider/", {"token": booking.token}).status_code < 500
    key = api_keys.create_api_key(venue.offerer_id, actor=pro, label="Caisse").clear_key
    api = Client(raise_request_exception=False, headers={"Authorization": f"Bearer {key}"})
    # Still inside its cancellation window: 403 BOOKING_NOT_YET_VALIDATABLE, with the date.
    response = api.get(f"/api/v2/bookings/token/{booking.token}")
    assert response.status_code == 403 and response.json()["code"] == "BOOKING_NOT_YET_VALIDATABLE"


def test_staff_pages_show_it(beneficiary, venue):
    # Only the row people could type: Django's admin converts every date to Paris time itself, which
    # overflows past 22:59 UTC on 31/12/9999.
    booking = _booking(beneficiary, venue, TYPED_IN_PARIS)
    web = Client(raise_request_exception=False)
    web.force_login(StaffFactory())
    for path in (
        "/backoffice/bookings/booking/",
        f"/backoffice/bookings/booking/{booking.pk}/change/",
        "/backoffice/offers/stock/",
        f"/backoffice/offers/stock/{booking.stock_id}/change/",
    ):
        assert web.get(path).status_code == 200, path
