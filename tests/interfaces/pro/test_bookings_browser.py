"""The pro follows their bookings in a real browser: list, status filter, CSV and XLSX downloads, home page."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, log_in, screenshot

# serialized_rollback: the closing flush would otherwise erase the credit policies seeded by migration.
pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def bookings(transactional_db):
    venue = VenueFactory(name="Ciné Lumière Bellecour", city="Lyon", timezone="Europe/Paris")
    tonight = StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        price_cents=750,
        quantity=80,
        booked_quantity=2,
        beginning_datetime=utcnow() + dt.timedelta(hours=3),
    )
    next_week = StockFactory(
        offer__venue=venue,
        offer__name="La Traversée",
        price_cents=500,
        quantity=None,
        beginning_datetime=utcnow() + dt.timedelta(days=3),
    )
    confirmed = BookingFactory(
        stock=tonight,
        user=UserFactory(
            first_name="Inès", last_name="Morel", email="ines@example.com", phone_number="+33611223344"
        ),
        quantity=2,
    )
    used = BookingFactory(
        stock=next_week,
        user=UserFactory(first_name="Hugo", last_name="Lefèvre", email="hugo@example.com"),
        status=BookingStatus.USED,
        used_at=utcnow(),
    )
    BookingFactory(stock__offer__name="Film d'une autre structure", token="THEIRS")
    return {"venue": venue, "confirmed": confirmed, "used": used}


@pytest.fixture
def pro_page(page, live_server, bookings, client):
    pro = MembershipFactory(offerer=bookings["venue"].offerer).user
    log_in(page, client, pro, live_server.url)
    return page


def download(page, link_name: str):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    value = info.value
    with open(value.path(), "rb") as handle:
        return value.suggested_filename, handle.read()


def test_pro_sees_filters_and_exports_their_bookings(pro_page, live_server, bookings):
    page = pro_page
    confirmed, used = bookings["confirmed"], bookings["used"]
    siren = bookings["venue"].offerer.siren
    page.goto(f"{live_server.url}/pro/reservations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Réservations"
    table = page.locator("#bookings-table")
    text = table.inner_text()
    for expected in [
        "Inès Morel",
        "ines@example.com",
        "+33611223344",
        confirmed.token,
        "Orbite basse",
        "15\u00a0€",
        "Hugo Lefèvre",
        used.token,
    ]:
        assert expected in text
    assert "THEIRS" not in page.content()
    screenshot(page, "pro-bookings-list")

    page.get_by_label("Statut").select_option(label="Validée")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**status=USED**")
    rows = page.locator("#bookings-table tbody tr")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-countermark") == used.token

    name, content = download(page, "Télécharger (CSV)")
    assert name.startswith(f"reservations-{siren}-") and name.endswith(".csv")
    assert content.startswith(b"\xef\xbb\xbf")
    header, *lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert header[:4] == ["Lieu", "Offre", "Date et heure", "Contremarque"]
    assert [line[3] for line in lines] == [used.token]
    assert lines[0][9] == "5,00"
    assert lines[0][11] == "Validée"

    name, content = download(page, "Télécharger (Excel)")
    assert name.startswith(f"reservations-{siren}-") and name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["D1"].value == "Contremarque"
    assert [row[3].value for row in sheet.iter_rows(min_row=2)] == [used.token]
    assert sheet["J2"].value == 5
    assert isinstance(sheet["C2"].value, dt.datetime)


def test_pro_cancels_a_booking_from_the_list_after_confirming(pro_page, live_server, bookings):
    page = pro_page
    confirmed, used = bookings["confirmed"], bookings["used"]
    page.goto(f"{live_server.url}/pro/reservations/")
    assert (
        page.locator(f'tr[data-countermark="{used.token}"]').get_by_role("link", name="Annuler").count() == 0
    )
    page.locator(f'tr[data-countermark="{confirmed.token}"]').get_by_role("link", name="Annuler").click()
    page.wait_for_url(f"**/pro/reservations/{confirmed.pk}/annuler/")
    assert confirmed.token in page.locator("#booking-summary").inner_text()
    page.get_by_label("Message au bénéficiaire (facultatif)").fill("Séance annulée : panne du projecteur.")
    screenshot(page, "pro-bookings-cancel")
    page.get_by_role("button", name="Annuler la réservation").click()
    page.wait_for_url(f"{live_server.url}/pro/reservations/")
    assert f"La réservation {confirmed.token} est annulée" in page.content()
    row = page.locator(f'tr[data-countermark="{confirmed.token}"]')
    assert "ANNULÉE" in row.inner_text().upper()
    assert row.get_by_role("link", name="Annuler").count() == 0
    confirmed.refresh_from_db()
    assert confirmed.status == BookingStatus.CANCELLED
