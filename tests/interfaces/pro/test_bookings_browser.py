"""The pro follows their bookings in a real browser: search a countermark, open the row, see the showtime,
cancel; the page fits 1280x800 with a side menu (no sideways scroll) and passes axe in each state. The
filters, exports and refusals are contract tests (test_bookings*.py, test_booking_exports.py)."""

import datetime as dt

import pytest

from passculture.core.bookings import export_jobs
from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import BookingExportJob, ExportJobStatus
from passculture.core.common.time import now as utcnow
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

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


# The content column is about 800 px wide at 1280 beside the side menu; a narrow window (about 600 px
# of content beside the menu) must not scroll sideways either.
NARROW_WINDOW = {"width": 848, "height": 800}


def no_sideways_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_pro_finds_a_booking_by_countermark_opens_it_sees_the_showtime_and_cancels_it(
    pro_page, live_server, bookings, monkeypatch
):
    page = pro_page
    confirmed, used = bookings["confirmed"], bookings["used"]
    # No sliding: a full-page screenshot resizes the window, which would replay the DSFR collapse.
    page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{live_server.url}/pro/reservations/")
    assert page.get_by_role("heading", level=1).inner_text() == "Réservations"
    assert page.locator("#bookings-count").inner_text() == "2 réservations"
    assert "THEIRS" not in page.content()
    screenshot(page, "pro-bookings-list-1440")
    assert_accessible(page, "bookings list")
    for size in ({"width": 1280, "height": 800}, NARROW_WINDOW):
        page.set_viewport_size(size)
        assert no_sideways_scroll(page), size
    screenshot(page, "pro-bookings-list-848")
    page.set_viewport_size({"width": 1280, "height": 800})
    screenshot(page, "pro-bookings-list-1280")

    # The young person reads out their countermark; the pro types it in lower case.
    page.get_by_role("searchbox", name="Rechercher").fill(confirmed.token.lower())
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(f"**q={confirmed.token.lower()}**")
    assert page.locator("#bookings-count").inner_text() == "1 réservation"
    assert (
        page.locator("#active-filters")
        .get_by_role("link")
        .first.inner_text()
        .endswith(f"Recherche : « {confirmed.token.lower()} »")
    )
    row = page.locator(f'.pro-booking[data-countermark="{confirmed.token}"]')
    button = row.get_by_role("button")
    assert button.get_attribute("aria-expanded") == "false"
    assert "Inès Morel" in button.inner_text() and "15\u00a0€" in button.inner_text()
    button.click()
    details = row.locator(".fr-collapse")
    details.get_by_text("Historique").wait_for()
    assert button.get_attribute("aria-expanded") == "true"
    assert "ines@example.com" in details.inner_text() and "Réservée le" in details.inner_text()
    assert no_sideways_scroll(page)
    screenshot(page, "pro-bookings-row-open-1280")
    assert_accessible(page, "bookings row open")

    details.get_by_role("link", name="Voir toute la séance").click()
    page.wait_for_url(f"**/pro/reservations/seance/{confirmed.stock_id}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Orbite basse"
    assert "2 sur 80" in page.locator("#showtime-facts").inner_text()
    assert confirmed.token in page.locator("#showtime-bookings").inner_text()
    assert page.get_by_role("button", name="Imprimer la liste").is_visible()
    assert no_sideways_scroll(page)
    screenshot(page, "pro-bookings-showtime-1280")
    assert_accessible(page, "showtime bookings")
    page.emulate_media(media="print", reduced_motion="reduce")
    assert not page.locator(".fr-sidemenu").is_visible() and not page.locator(".fr-header").is_visible()
    screenshot(page, "pro-bookings-showtime-print")
    page.emulate_media(media="screen", reduced_motion="reduce")
    page.go_back()

    row.get_by_role("button").click()
    row.get_by_role("link", name="Annuler la réservation").click()
    page.wait_for_url(f"**/pro/reservations/{confirmed.pk}/annuler/")
    page.get_by_label("Message au bénéficiaire (facultatif)").fill("Séance annulée : panne du projecteur.")
    page.get_by_role("button", name="Annuler la réservation").click()
    page.wait_for_url(f"{live_server.url}/pro/reservations/")
    assert f"La réservation {confirmed.token} est annulée" in page.content()
    row = page.locator(f'.pro-booking[data-countermark="{confirmed.token}"]')
    assert "ANNULÉE" in row.get_by_role("button").inner_text().upper()
    row.get_by_role("button").click()
    row.locator(".pro-booking__history").get_by_text("Annulée par l'acteur culturel").wait_for()
    assert row.get_by_role("link", name="Annuler la réservation").count() == 0
    confirmed.refresh_from_db()
    assert confirmed.status == BookingStatus.CANCELLED
    assert page.locator(f'.pro-booking[data-countermark="{used.token}"]').get_by_role("button").count() == 1

    page.get_by_role("searchbox", name="Rechercher").fill("Personne")
    page.get_by_role("button", name="Rechercher").click()
    page.locator("#bookings-empty").get_by_text("Aucune réservation ne correspond à ces filtres.").wait_for()
    screenshot(page, "pro-bookings-empty-1280")
    assert_accessible(page, "bookings empty state")
    page.get_by_role("link", name="Effacer les filtres et voir toutes les réservations").click()
    page.wait_for_url(f"{live_server.url}/pro/reservations/")
    assert page.locator("#bookings-count").inner_text() == "2 réservations"

    # A large Excel file is prepared by a job: the page follows its progress (htmx, every 2 s).
    monkeypatch.setattr(export_jobs, "JOB_THRESHOLD", 1)
    monkeypatch.setattr("passculture.interfaces.pro.bookings.JOB_THRESHOLD", 1)
    page.reload()
    page.get_by_role("button", name="Préparer le fichier Excel").click()
    page.wait_for_url("**/pro/reservations/exports/*/")
    assert page.locator("#export-status").get_attribute("data-polling") == "true"
    screenshot(page, "pro-bookings-export-pending-1280")
    job = BookingExportJob.objects.get()
    assert export_jobs.run_export_job(job.pk) == ExportJobStatus.DONE
    link = page.get_by_role("link", name="Télécharger le fichier Excel")
    link.wait_for(timeout=10_000)
    assert page.locator("#export-status").get_attribute("data-polling") == "false"
    screenshot(page, "pro-bookings-export-ready-1280")
    assert_accessible(page, "export job ready")
    with page.expect_download() as info:
        link.click()
    assert info.value.suggested_filename.endswith(".xlsx")
