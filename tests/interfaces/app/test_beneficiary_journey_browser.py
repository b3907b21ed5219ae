"""The young person's whole path on a phone, through the real pages only (issue 5):

sign up -> confirm the address from the emailed link -> log in -> send the identity document ->
staff approve it in the back office (another browser) -> search around Lyon by postal code -> film page ->
book a duo showtime -> the QR code on the screen decodes to the payload -> cancel within 48 h -> the
credit is whole again. The refused paths (not enough credit, sold out, deadline passed) have their own
browser tests beside the booking pages.
"""

import datetime as dt
import io
import re

import pytest
import zxingcpp
from django.core import mail
from PIL import Image

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.time import add_years, local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import StaffFactory
from passculture.core.users.models import User
from passculture.demo.identity import render_specimen_card
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
EMAIL = "ines.martin@example.com"
PASSWORD = "Un-mot-de-passe-2026"


@pytest.fixture
def lyon_showtime(settings, live_server, tmp_path):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.IDENTITY_DOCUMENTS_ROOT = tmp_path / "identity"
    venue = VenueFactory(
        name="Ciné Lumière Bellecour",
        address="2 place Bellecour",
        postal_code="69002",
        city="Lyon",
        department_code="69",
        latitude="45.757800",
        longitude="4.832000",
    )
    offer = OfferFactory(venue=venue, name="La Traversée du Rhône", is_duo=True, duration_minutes=98)
    # Five days ahead: booked now, the booking can be cancelled during 48 h.
    day = to_local(utcnow(), "Europe/Paris").date() + dt.timedelta(days=5)
    start = local_to_utc(dt.datetime.combine(day, dt.time(20, 30)), "Europe/Paris")
    return StockFactory(
        offer=offer, beginning_datetime=start, booking_limit_datetime=start, version="VO", price_cents=7_50
    )


def _phone(page):
    context = page.context.browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR")
    context.set_default_timeout(15_000)
    return context.new_page()


def _text(locator) -> str:
    return locator.inner_text().replace("\u00a0", " ")


def _decode(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def _sign_up_and_confirm(phone, base_url: str, birth_date: dt.date) -> None:
    phone.goto(f"{base_url}/")
    phone.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Se connecter"
    ).click()
    phone.get_by_role("main").get_by_role("link", name="Créer un compte").click()
    phone.get_by_label("Adresse email").fill(EMAIL)
    phone.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    phone.get_by_label("Prénom").fill("Inès")
    phone.get_by_label("Nom", exact=True).fill("Martin")
    phone.get_by_label("Date de naissance").fill(birth_date.isoformat())
    phone.get_by_label("Téléphone portable").fill("06 98 76 54 32")
    phone.get_by_label("Code postal").fill("69001")
    phone.wait_for_function("() => document.getElementById('id_city').value === 'Lyon'")
    phone.get_by_label("J'accepte les conditions générales d'utilisation du pass Culture").check(
        force=True
    )  # DSFR draws the box on the label, over the input
    assert_accessible(phone, "journey-01-signup")
    screenshot(phone, "journey-01-signup")
    phone.get_by_role("button", name="Créer mon compte").click()
    phone.get_by_role("heading", name="Ton compte est créé").wait_for()
    assert "Tu es éligible au pass Culture" in _text(phone.locator("#eligibility"))
    assert_accessible(phone, "journey-02-signup-done")
    screenshot(phone, "journey-02-signup-done")

    outboxed = OutboxEmail.objects.get(kind="account_beneficiary_email_confirmation")
    body = next(message.body for message in mail.outbox if message.subject == outboxed.subject)
    phone.goto(re.search(r"http\S+/inscription/confirmer/\S+", body).group(0))
    phone.get_by_role("heading", name="Adresse email confirmée").wait_for()
    phone.get_by_role("main").get_by_role("link", name="Se connecter").click()
    phone.get_by_label("Adresse email").fill(EMAIL)
    phone.get_by_label("Mot de passe").fill(PASSWORD)
    phone.get_by_role("button", name="Se connecter").click()
    phone.wait_for_url(f"{base_url}/compte/")
    assert "Prochaine étape : faire vérifier ton identité" in _text(phone.get_by_role("main"))
    assert_accessible(phone, "journey-03-account")
    screenshot(phone, "journey-03-account")


def _send_identity_document(phone, birth_date: dt.date) -> None:
    phone.get_by_role("main").get_by_role("link", name=re.compile("identité")).first.click()
    phone.wait_for_url("**/identite/")
    phone.get_by_label("Carte nationale d'identité").check(
        force=True
    )  # DSFR draws the box on the label, over the input
    phone.get_by_label("Numéro du document").fill("Y7KPM2QR8")
    phone.get_by_label("Prénom(s)").fill("Inès")
    png = render_specimen_card(
        first_name="Inès", last_name="Martin", birth_date=birth_date, number="Y7KPM2QR8"
    )
    phone.get_by_label("Photo du document").set_input_files(
        files=[{"name": "carte.png", "mimeType": "image/png", "buffer": png}]
    )
    assert_accessible(phone, "journey-04-identity-form")
    screenshot(phone, "journey-04-identity-form")
    phone.get_by_role("button", name="Envoyer ma demande").click()
    assert "en cours de vérification" in _text(phone.locator("#identity-submitted"))
    assert_accessible(phone, "journey-05-identity-submitted")
    screenshot(phone, "journey-05-identity-submitted")


def _staff_approve(page, client, base_url: str) -> None:
    staff_page = page.context.browser.new_context(locale="fr-FR").new_page()
    log_in(staff_page, client, StaffFactory(), base_url)
    staff_page.goto(f"{base_url}/backoffice/files/")
    staff_page.get_by_role("link", name="Vérifications d'identité").click()
    staff_page.get_by_role("link", name=f"Examiner la demande de {EMAIL}").click()
    assert "Y7KPM2QR8" in _text(staff_page.locator("#identity-comparison"))
    screenshot(staff_page, "journey-06-staff-review")
    staff_page.get_by_role("button", name="Valider et attribuer le crédit").click()
    assert "crédit de 300 € attribué" in _text(staff_page.locator("body"))
    screenshot(staff_page, "journey-07-staff-approved")
    staff_page.context.close()


def test_sign_up_get_the_credit_find_a_film_near_lyon_book_a_duo_show_the_qr_cancel(
    live_server, page, client, lyon_showtime
):
    base_url = live_server.url
    phone = _phone(page)
    birth_date = add_years(dt.date.today(), -18) - dt.timedelta(days=60)

    _sign_up_and_confirm(phone, base_url, birth_date)
    _send_identity_document(phone, birth_date)
    _staff_approve(page, client, base_url)

    phone.goto(f"{base_url}/credit/")
    assert _text(phone.locator("[data-remaining]")) == "300 €"
    assert_accessible(phone, "journey-08-credit-granted")
    screenshot(phone, "journey-08-credit-granted")

    # Search around Lyon by postal code, open the film, pick the VO showtime.
    phone.goto(f"{base_url}/")
    phone.get_by_role("link", name="Rechercher un film").click()
    phone.get_by_label("Ville ou code postal").fill("69001")
    phone.get_by_role("button", name="Rechercher", exact=True).click()
    phone.wait_for_url("**/recherche/?lieu=69001*")
    card = phone.get_by_role("article").filter(has_text="La Traversée du Rhône")
    assert "Ciné Lumière Bellecour" in _text(card)
    screenshot(phone, "journey-09-search-lyon")
    card.get_by_role("link", name="La Traversée du Rhône").click()
    phone.get_by_role("heading", level=1, name="La Traversée du Rhône").wait_for()
    screenshot(phone, "journey-10-film-page")
    phone.locator(".film-page__showtimes").get_by_role("link", name=re.compile("^20h30 VO")).click()

    # Book for two.
    phone.wait_for_url(f"**/reserver/{lyon_showtime.pk}/")
    phone.get_by_role("radio", name=re.compile("2 places")).check()
    screenshot(phone, "journey-11-book-duo")
    phone.get_by_role("button", name="Confirmer la réservation").click()
    user = User.objects.get(email=EMAIL)
    booking = Booking.objects.get(user=user)
    phone.wait_for_url(f"**/reservations/{booking.pk}/")
    assert booking.quantity == 2 and booking.total_amount_cents == 15_00
    qr = phone.locator(".qr svg")
    assert _decode(qr.screenshot(caret="initial")) == [f"PASSCULTURE:v3;TOKEN:{booking.token}"]
    assert f"PASSCULTURE:v3;TOKEN:{booking.token}" in _decode(phone.screenshot(caret="initial"))
    screenshot(phone, "journey-12-booking-qr")

    phone.goto(f"{base_url}/credit/")
    assert _text(phone.locator("[data-remaining]")) == "285 €"

    # Cancel within the 48 hours, then the credit is whole again.
    phone.goto(f"{base_url}/reservations/{booking.pk}/")
    phone.get_by_text("Annuler la réservation").click()
    phone.get_by_role("button", name="Confirmer l'annulation").click()
    phone.wait_for_url(f"{base_url}/reservations/?onglet=annulees")
    assert "15 € ont été recrédités" in _text(phone.get_by_role("status"))
    screenshot(phone, "journey-13-cancelled")
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    phone.goto(f"{base_url}/credit/")
    assert _text(phone.locator("[data-remaining]")) == "300 €"
    assert_accessible(phone, "journey-14-credit-restored")
    screenshot(phone, "journey-14-credit-restored")
    phone.context.close()
