"""The pro bookings page and its exports: filters, pagination, formats, and another offerer's refusal."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from passculture.core.bookings import services as bookings_services
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.common.models import AuditLog
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from passculture.interfaces.pro import booking_exports as views
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)
LIST = reverse("pro:bookings")
CSV = reverse("pro:bookings-export-csv")
XLSX = reverse("pro:bookings-export-xlsx")
HEADERS = [
    "Lieu",
    "Offre",
    "Date et heure",
    "Contremarque",
    "Bénéficiaire",
    "Email",
    "Téléphone",
    "Réservé le",
    "Quantité",
    "Tarif",
    "Prix unitaire",
    "Total",
    "Statut",
    "Validée le",
]


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def logged_in(client, pro):
    client.force_login(pro)
    return client


@pytest.fixture
def theirs():
    """A booking of another offerer, with its own venue and offer."""
    return BookingFactory(stock__offer__name="Film d'à côté", token="THEIRS")


def make(venue, **kwargs):
    return BookingFactory(stock__offer__venue=venue, **kwargs)


def tokens_in(response) -> list[str]:
    return [b.token for b in response.context["page_obj"]]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(response.content)).active


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, CSV, XLSX])
def test_bookings_pages_require_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pro:login"))


@pytest.mark.parametrize("url", [LIST, CSV, XLSX])
def test_beneficiaries_are_refused(client, url):
    client.force_login(UserFactory())
    assert client.get(url).status_code == 302


def test_a_pro_without_an_offerer_gets_no_export(client):
    client.force_login(ProFactory())
    assert client.get(CSV).status_code == 404
    assert client.get(LIST).status_code == 200


# --- List --------------------------------------------------------------------------------------


def test_the_list_shows_the_beneficiarys_contact_and_the_booking(logged_in, venue):
    user = UserFactory(
        first_name="Léa", last_name="Durand", email="lea@example.com", phone_number="+33611223344"
    )
    stock = StockFactory(
        offer__venue=venue, offer__name="Orbite basse", beginning_datetime=utc(2026, 3, 14, 19, 30)
    )
    BookingFactory(stock=stock, user=user, token="ABC234", quantity=2, amount_cents=750, booked_at=NOW)
    html = logged_in.get(LIST).content.decode()
    for text in [
        "Léa Durand",
        "lea@example.com",
        "+33611223344",
        "ABC234",
        "Orbite basse",
        "14/03/2026 20h30",
        "10/03/2026 à 13h00",
        "7,50",
        "15\u00a0€",
        "Confirmée",
        venue.name,
    ]:
        assert text in html


def test_a_pro_never_sees_another_offerers_bookings(logged_in, venue, theirs):
    mine = make(venue)
    response = logged_in.get(LIST)
    assert tokens_in(response) == [mine.token]
    assert "THEIRS" not in response.content.decode()


def test_a_pro_with_two_offerers_sees_only_the_current_ones(client, pro, venue):
    other = MembershipFactory(user=pro).offerer
    mine = make(venue)
    make(VenueFactory(offerer=other))
    client.force_login(pro)
    client.post(reverse("pro:switch-offerer", args=[venue.offerer_id]))
    assert tokens_in(client.get(LIST)) == [mine.token]


def test_filter_by_status(logged_in, venue):
    make(venue)
    used = make(venue, status=BookingStatus.USED, used_at=NOW)
    assert tokens_in(logged_in.get(LIST, {"status": BookingStatus.USED})) == [used.token]


def test_filter_by_venue(logged_in, venue):
    second = VenueFactory(offerer=venue.offerer)
    make(venue)
    kept = make(second)
    response = logged_in.get(LIST, {"venue": second.pk})
    assert tokens_in(response) == [kept.token]
    assert f'<option value="{second.pk}" selected>' in response.content.decode()


def test_filter_by_offer(logged_in, venue):
    make(venue)
    kept = make(venue)
    assert tokens_in(logged_in.get(LIST, {"offer": kept.offer_id})) == [kept.token]


def test_filter_by_booking_date_range(logged_in, venue):
    kept = make(venue, booked_at=utc(2026, 3, 5, 10, 0))
    make(venue, booked_at=utc(2026, 3, 1, 10, 0))
    response = logged_in.get(
        LIST, {"date_kind": "booking", "date_from": "2026-03-04", "date_to": "2026-03-06"}
    )
    assert tokens_in(response) == [kept.token]


def test_filter_by_event_date_range(logged_in, venue):
    kept = make(venue, stock__beginning_datetime=utc(2026, 3, 20, 19, 0))
    make(venue, stock__beginning_datetime=utc(2026, 3, 25, 19, 0))
    response = logged_in.get(LIST, {"date_kind": "event", "date_from": "2026-03-20", "date_to": "2026-03-20"})
    assert tokens_in(response) == [kept.token]


def test_an_invalid_date_is_refused_with_a_french_message(logged_in, venue):
    response = logged_in.get(LIST, {"date_from": "32/13/2026"})
    assert response.status_code == 400
    assert "Saisissez une date valide" in response.content.decode()


def test_an_end_date_before_the_start_date_is_refused(logged_in, venue):
    response = logged_in.get(LIST, {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert response.status_code == 400
    assert "La date de fin doit être postérieure" in response.content.decode()


@pytest.mark.parametrize("field", ["venue", "offer"])
def test_another_offerers_venue_or_offer_is_a_form_error(logged_in, venue, theirs, field):
    make(venue)
    value = theirs.venue_id if field == "venue" else theirs.offer_id
    response = logged_in.get(LIST, {field: value})
    assert response.status_code == 400
    assert response.context["page_obj"] is None
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert "THEIRS" not in response.content.decode()


def test_the_list_is_paginated_by_50(logged_in, venue):
    stock = StockFactory(offer__venue=venue, offer__is_duo=True)
    bookings = [
        BookingFactory(stock=stock, user=UserFactory(), booked_at=NOW - dt.timedelta(minutes=i))
        for i in range(51)
    ]
    first = logged_in.get(LIST)
    assert len(tokens_in(first)) == 50
    assert 'class="fr-pagination"' in first.content.decode()
    assert tokens_in(logged_in.get(LIST, {"page": 2})) == [bookings[-1].token]


def test_pagination_links_keep_the_filters(logged_in, venue):
    for _ in range(51):
        make(venue)
    html = logged_in.get(LIST, {"status": "CONFIRMED"}).content.decode()
    assert "status=CONFIRMED&amp;page=2" in html or "page=2&amp;status=CONFIRMED" in html


def test_the_list_query_count_does_not_grow_with_the_bookings(
    logged_in, venue, django_assert_max_num_queries
):
    for _ in range(3):
        make(venue)
    with django_assert_max_num_queries(12) as few:
        logged_in.get(LIST, {"date_from": "2026-03-01", "status": "CONFIRMED"})
    for _ in range(20):
        make(venue)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = logged_in.get(LIST, {"date_from": "2026-03-01", "status": "CONFIRMED"})
    assert len(tokens_in(response)) == 23


# --- CSV ---------------------------------------------------------------------------------------


def test_csv_export_format(logged_in, venue):
    user = UserFactory(
        first_name="Léa", last_name="Durand", email="lea@example.com", phone_number="+33611223344"
    )
    stock = StockFactory(
        offer__venue=venue, offer__name="Orbite basse", beginning_datetime=utc(2026, 3, 14, 19, 30)
    )
    BookingFactory(
        stock=stock,
        user=user,
        token="ABC234",
        quantity=2,
        amount_cents=750,
        booked_at=NOW,
        status=BookingStatus.USED,
        used_at=utc(2026, 3, 14, 19, 10),
    )
    response = logged_in.get(CSV)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="reservations-{venue.offerer.siren}-2026-03-10.csv"'
    )
    header, row = csv_rows(response)
    assert header == HEADERS
    assert row == [
        venue.name,
        "Orbite basse",
        "14/03/2026 20:30",
        "ABC234",
        "Léa Durand",
        "lea@example.com",
        "+33611223344",
        "10/03/2026 13:00",
        "2",
        "Tarif unique",
        "7,50",
        "15,00",
        "Validée",
        "14/03/2026 20:10",
    ]


def test_csv_export_defuses_formulas(logged_in, venue):
    user = UserFactory(first_name='=HYPERLINK("http://evil")', last_name="", email="x@example.com")
    make(venue, user=user, stock__offer__name="@SUM(1)")
    (row,) = csv_rows(logged_in.get(CSV))[1:]
    assert row[1] == "'@SUM(1)"
    assert row[4] == '\'=HYPERLINK("http://evil")'


def test_csv_export_respects_the_filters(logged_in, venue):
    make(venue)
    used = make(venue, status=BookingStatus.USED, used_at=NOW)
    rows = csv_rows(logged_in.get(CSV, {"status": BookingStatus.USED}))[1:]
    assert [row[3] for row in rows] == [used.token]


def test_csv_export_contains_only_the_pros_offerer(logged_in, venue, theirs):
    mine = make(venue)
    assert [row[3] for row in csv_rows(logged_in.get(CSV))[1:]] == [mine.token]


def test_csv_export_with_another_offerers_venue_is_refused(logged_in, venue, theirs):
    response = logged_in.get(CSV, {"venue": theirs.venue_id})
    assert response.status_code == 400
    assert not AuditLog.objects.filter(action="bookings.exported").exists()


def test_csv_export_is_audited(logged_in, pro, venue):
    make(venue)
    b"".join(logged_in.get(CSV, {"status": "CONFIRMED"}).streaming_content)
    entry = AuditLog.objects.get(action="bookings.exported")
    assert entry.actor == pro
    assert entry.data["format"] == "csv"
    assert entry.data["row_count"] == 1
    assert entry.data["filters"]["status"] == "CONFIRMED"


def test_csv_export_query_count_does_not_grow_with_rows(logged_in, venue, django_assert_max_num_queries):
    make(venue)
    with django_assert_max_num_queries(12) as few:
        b"".join(logged_in.get(CSV).streaming_content)
    for _ in range(30):
        make(venue)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rows = csv_rows(logged_in.get(CSV))
    assert len(rows) == 32


# --- XLSX --------------------------------------------------------------------------------------


def test_xlsx_export_has_typed_cells_and_french_headers(logged_in, venue):
    stock = StockFactory(
        offer__venue=venue, offer__name="Orbite basse", beginning_datetime=utc(2026, 3, 14, 19, 30)
    )
    BookingFactory(stock=stock, token="ABC234", quantity=2, amount_cents=750, booked_at=NOW)
    response = logged_in.get(XLSX)
    assert response["Content-Type"] == views.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].endswith(f'reservations-{venue.offerer.siren}-2026-03-10.xlsx"')
    sheet = xlsx_sheet(response)
    assert [c.value for c in sheet[1]] == HEADERS
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    row = {header: cell for header, cell in zip(HEADERS, sheet[2], strict=True)}
    assert row["Date et heure"].value == dt.datetime(2026, 3, 14, 20, 30)
    assert row["Réservé le"].value == dt.datetime(2026, 3, 10, 13, 0)
    assert row["Quantité"].value == 2
    assert Decimal(str(row["Prix unitaire"].value)) == Decimal("7.5")
    assert Decimal(str(row["Total"].value)) == Decimal("15")
    assert "€" in row["Total"].number_format
    assert row["Statut"].value == "Confirmée"
    assert row["Validée le"].value is None


def test_xlsx_export_defuses_formulas(logged_in, venue):
    make(venue, stock__offer__name="=1+1")
    cell = xlsx_sheet(logged_in.get(XLSX))["B2"]
    assert cell.data_type == "s"
    assert cell.value == "'=1+1"


def test_xlsx_export_contains_only_the_pros_offerer_and_follows_filters(logged_in, venue, theirs):
    make(venue)
    cancelled = make(venue, status=BookingStatus.CANCELLED, cancelled_at=NOW)
    sheet = xlsx_sheet(logged_in.get(XLSX, {"status": BookingStatus.CANCELLED}))
    assert [row[3].value for row in sheet.iter_rows(min_row=2)] == [cancelled.token]
    all_rows = xlsx_sheet(logged_in.get(XLSX))
    assert "THEIRS" not in [row[3].value for row in all_rows.iter_rows(min_row=2)]


def test_xlsx_export_with_another_offerers_offer_is_refused(logged_in, venue, theirs):
    assert logged_in.get(XLSX, {"offer": theirs.offer_id}).status_code == 400


# --- Cancelling a booking (RULES.md: the pro may cancel any booking not yet used) -------------------


def cancel_url(booking) -> str:
    return reverse("pro:booking-cancel", args=[booking.pk])


@pytest.fixture
def booked(venue, beneficiary):
    """A real booking (credit debited, seat counted) of the pro's venue."""
    stock = StockFactory(
        offer__venue=venue, offer__name="Orbite basse", beginning_datetime=utc(2026, 3, 14, 19)
    )
    return bookings_services.book_offer(beneficiary, stock.pk, 1)


def test_cancel_pages_require_login(client, booked):
    response = client.get(cancel_url(booked))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pro:login"))


def test_beneficiaries_cannot_cancel_from_the_pro_portal(client, booked):
    client.force_login(UserFactory())
    assert client.post(cancel_url(booked)).status_code == 302
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CONFIRMED


def test_the_list_offers_to_cancel_only_bookings_not_yet_used(logged_in, venue):
    confirmed = make(venue)
    used = make(venue, status=BookingStatus.USED, used_at=NOW)
    cancelled = make(venue, status=BookingStatus.CANCELLED, cancelled_at=NOW)
    html = logged_in.get(LIST).content.decode()
    assert cancel_url(confirmed) in html
    assert cancel_url(used) not in html
    assert cancel_url(cancelled) not in html


def test_the_cancel_page_asks_for_confirmation_and_changes_nothing(logged_in, booked):
    response = logged_in.get(cancel_url(booked))
    assert response.status_code == 200
    html = response.content.decode()
    assert booked.token in html
    assert "Orbite basse" in html
    assert "samedi 14 mars 2026 à 20h00" in html
    assert "Annuler la réservation" in html
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CONFIRMED


def test_a_pro_cancels_a_booking_and_the_beneficiary_gets_the_message(logged_in, booked, beneficiary):
    response = logged_in.post(cancel_url(booked), {"reason_text": "Séance annulée : panne du projecteur."})
    assert response.status_code == 302
    assert response["Location"] == LIST
    booked.refresh_from_db()
    assert (booked.status, booked.cancellation_reason) == (BookingStatus.CANCELLED, "OFFERER")
    email = OutboxEmail.objects.get(kind="booking_cancelled_beneficiary")
    assert beneficiary.email in email.to
    assert "Séance annulée : panne du projecteur." in email.text_body
    assert AuditLog.objects.filter(action="booking.cancelled", target_id=str(booked.pk)).exists()
    assert f"La réservation {booked.token} est annulée" in logged_in.get(LIST).content.decode()


def test_a_pro_cancels_a_booking_without_a_message(logged_in, booked):
    assert logged_in.post(cancel_url(booked), {"reason_text": ""}).status_code == 302
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CANCELLED


def test_a_message_over_500_characters_is_a_form_error(logged_in, booked):
    response = logged_in.post(cancel_url(booked), {"reason_text": "x" * 501})
    assert response.status_code == 400
    assert response.context["form"].errors["reason_text"]
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CONFIRMED


@pytest.mark.parametrize(
    ("status", "http_status", "message"),
    [
        (BookingStatus.USED, 410, "Cette réservation a été validée : elle ne peut plus être annulée."),
        (BookingStatus.REIMBURSED, 403, "Cette réservation a déjà été remboursée."),
        (BookingStatus.CANCELLED, 410, "Cette réservation a été annulée."),
    ],
)
def test_a_booking_used_reimbursed_or_cancelled_cannot_be_cancelled(
    logged_in, venue, status, http_status, message
):
    dates = {"cancelled_at": NOW} if status == BookingStatus.CANCELLED else {"used_at": NOW}
    booking = make(venue, status=status, **dates)
    page = logged_in.get(cancel_url(booking))
    assert "ne peut plus être annulée" in page.content.decode()
    assert page.context["cancellable"] is False
    response = logged_in.post(cancel_url(booking), {"reason_text": ""})
    assert response.status_code == http_status
    assert response.context["error"].message == message
    assert message in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == status


def test_another_offerers_booking_cannot_be_cancelled(logged_in, theirs):
    assert logged_in.get(cancel_url(theirs)).status_code == 404
    assert logged_in.post(cancel_url(theirs), {"reason_text": ""}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.CONFIRMED


def test_a_pro_of_a_second_offerer_cannot_cancel_the_firsts_booking(client, booked):
    second_offerer_pro = MembershipFactory().user
    client.force_login(second_offerer_pro)
    assert client.post(cancel_url(booked), {"reason_text": ""}).status_code == 404
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CONFIRMED


def test_the_cancel_form_is_protected_against_csrf(pro, booked):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pro)
    assert client.post(cancel_url(booked), {"reason_text": ""}).status_code == 403
    booked.refresh_from_db()
    assert booked.status == BookingStatus.CONFIRMED
