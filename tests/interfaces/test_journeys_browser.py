"""End-to-end journeys of the pro portal in a real browser (issue 3), each through the real pages:

1. a cinema signs up with its SIREN, staff validate it, it adds a venue, its bank details (accepted by
   staff) and a film with a week of showtimes;
2. a young person books one of its showtimes through the app's API; the pro finds the booking in the
   list, exports it (CSV and Excel, both read back) and validates it at the counter by typing the code;
3. the same, the code read by the device camera (a fake camera playing a video of the booking's QR code).

External services are replayed by a local server; the pro's state for journeys 2 and 3 is set up with
factories, but everything the pro and staff do goes through the pages.
"""

import csv
import datetime as dt
import io
import re

import httpx
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from openpyxl import load_workbook

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.time import now as utcnow
from passculture.core.common.time import to_local
from passculture.core.credit.factories import DepositFactory
from passculture.core.finance.constants import BankAccountStatus
from passculture.core.finance.factories import BankAccountFactory
from passculture.core.finance.models import BankAccount
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offerers.models import Offerer, Venue
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.offers.models import Stock
from passculture.core.users.factories import TEST_PASSWORD, StaffFactory, UserFactory
from tests.browser import BROWSER_MARKS, screenshot
from tests.core.offerers.registry_replay import CINEMA_SIREN, point_registry_at, serve
from tests.qr_video import y4m_of_qr_code

# serialized_rollback: the closing flush would otherwise erase the credit policies seeded by migration.
pytestmark = [
    *BROWSER_MARKS,
    pytest.mark.pages_on_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PRO_EMAIL = "claire.dupont@melies.example.com"
PRO_PASSWORD = "Un-mot-de-passe-solide-2026"
STAFF_EMAIL = "agent@passculture.example.com"
IBAN = "FR7630006000011234567890189"
SIRET = "83214567600017"  # the SIREN, establishment 0001, Luhn key

# The national address API's answer for the cinema's address, in its recorded shape (GeoJSON, [lon, lat]).
BAN_LYON_REPUBLIQUE = {
    "type": "FeatureCollection",
    "version": "draft",
    "features": [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [4.835992, 45.762113]},
            "properties": {
                "label": "12 Rue de la République 69002 Lyon",
                "score": 0.9634,
                "housenumber": "12",
                "id": "69382_5960_00012",
                "name": "12 Rue de la République",
                "postcode": "69002",
                "citycode": "69382",
                "x": 842346.1,
                "y": 6519200.4,
                "city": "Lyon",
                "district": "Lyon 2e Arrondissement",
                "context": "69, Rhône, Auvergne-Rhône-Alpes",
                "type": "housenumber",
                "importance": 0.71,
                "street": "Rue de la République",
            },
        }
    ],
    "attribution": "BAN",
    "licence": "ETALAB-2.0",
    "query": "12 rue de la République 69002 Lyon",
    "filters": {"postcode": "69002"},
    "limit": 5,
}


def log_in_with_cookie(context, live_server, user) -> None:
    """A Django session for the user, put in the browser context (journeys 2 and 3 start logged in)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


# --- Journey 1 ---------------------------------------------------------------------------------------


@pytest.fixture
def replayed_services(settings, httpserver, live_server):
    """The company registry and the address API, both replayed by one local server."""
    point_registry_at(settings, httpserver)
    serve(httpserver, CINEMA_SIREN, "cinema_sas")
    settings.ADRESSE_API_URL = httpserver.url_for("").rstrip("/")
    httpserver.expect_request(
        "/search/",
        query_string={"q": "12 rue de la République 69002 Lyon", "limit": "5", "postcode": "69002"},
    ).respond_with_json(BAN_LYON_REPUBLIQUE)
    # The confirmation link in the email points at the server the browser talks to.
    settings.PUBLIC_BASE_URL = live_server.url
    return httpserver


@pytest.fixture
def staff_page(page):
    """A second browser context (its own cookies) for a staff member, who exists before the sign-up and
    so receives the "new offerer" email."""
    StaffFactory(email=STAFF_EMAIL)
    context = page.context.browser.new_context(locale="fr-FR")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_journey_1_sign_up_validation_venue_bank_details_and_a_week_of_showtimes(
    live_server, replayed_services, page, staff_page
):
    base = live_server.url

    # Sign-up with the SIREN: the registry fills in the company.
    page.goto(f"{base}/pro/inscription/")
    page.get_by_label("SIREN de votre structure").fill("832 145 676")
    page.get_by_role("button", name="Rechercher ma structure").click()
    page.locator("#siren-company").get_by_text("CINEMA LE MELIES").first.wait_for()
    page.get_by_label("Adresse email").fill(PRO_EMAIL)
    page.get_by_label("Prénom").fill("Claire")
    page.get_by_label("Nom", exact=True).fill("Dupont")
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.get_by_label("Mot de passe", exact=True).fill(PRO_PASSWORD)
    page.get_by_label("Confirmez le mot de passe").fill(PRO_PASSWORD)
    screenshot(page, "journey-1-signup")
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Confirmez votre adresse email").wait_for()
    screenshot(page, "journey-1-signup-done")

    # The email confirmation link, read from the outbox.
    email = OutboxEmail.objects.get(kind="account_email_confirmation")
    assert email.to == [PRO_EMAIL]
    # Delivered right after the commit, so the outbox kept only a placeholder: read what was sent.
    sent = next(m for m in mail.outbox if m.subject == email.subject)
    link = re.search(r"http\S+/pro/inscription/confirmer/\S+", sent.body).group(0)
    page.goto(link)
    page.get_by_role("heading", name="Adresse email confirmée").wait_for()
    page.get_by_role("link", name="Se connecter").last.click()

    page.get_by_label("Adresse email").fill(PRO_EMAIL)
    page.get_by_label("Mot de passe").fill(PRO_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/pro/")
    page.get_by_text("en attente de validation").first.wait_for()
    screenshot(page, "journey-1-dashboard-pending")

    # Staff follow the link of the "new offerer" email, log in to the back office, validate the offerer.
    email = OutboxEmail.objects.get(kind="offerer_created_staff")
    assert email.to == [STAFF_EMAIL]
    staff_page.goto(re.search(r"http\S+/backoffice/\S+", email.text_body).group(0))
    staff_page.wait_for_url(re.compile(r".*/backoffice/login/\?next=.*"))
    staff_page.locator("#id_username").fill(STAFF_EMAIL)
    staff_page.locator("#id_password").fill(TEST_PASSWORD)
    screenshot(staff_page, "journey-1-backoffice-login")
    staff_page.locator("input[type=submit]").click()
    staff_page.wait_for_url(f"{base}/backoffice/files/structures/")
    row = staff_page.locator("#offerer-queue tbody tr", has_text="832145676")
    assert "Vérifiée au répertoire" in row.inner_text()
    screenshot(staff_page, "journey-1-backoffice-offerer-queue")
    staff_page.get_by_role("button", name="Valider la structure CINEMA LE MELIES").click()
    staff_page.locator("#offerer-queue-empty").wait_for()
    assert Offerer.objects.get(siren=CINEMA_SIREN).validation_status == ValidationStatus.VALIDATED

    # The home's checklist leads the way: the structure is validated, a venue comes next. The pro adds
    # one at the company's address; the address API places it.
    page.reload()
    checklist = page.locator("#onboarding")
    assert checklist.locator("[data-step=offerer]").get_attribute("data-done") == "true"
    screenshot(page, "journey-1-dashboard-checklist")
    checklist.get_by_role("link", name="Ajouter un lieu").click()
    page.wait_for_url(f"{base}/pro/lieux/nouveau/")
    page.get_by_role("textbox", name="Nom du lieu", exact=True).fill("Le Méliès")
    page.locator("#id_siret").fill(SIRET)
    page.locator("#id_address").fill("12 rue de la République")
    page.get_by_role("textbox", name="Code postal", exact=True).fill("69002")
    page.get_by_role("textbox", name="Ville", exact=True).fill("Lyon")
    page.locator("#id_booking_email").fill("reservations@melies.example.com")
    screenshot(page, "journey-1-venue-form")
    page.get_by_role("button", name="Créer le lieu").click()
    page.wait_for_url(re.compile(r".*/pro/lieux/\d+/$"))
    page.get_by_role("heading", level=1, name="Le Méliès").wait_for()
    assert page.locator("#venue-timezone").inner_text() == "Europe/Paris"
    assert "Base Adresse Nationale" in page.locator("#venue-coordinates-source").text_content()
    venue = Venue.objects.get(name="Le Méliès")
    assert (float(venue.latitude), float(venue.longitude)) == (45.762113, 4.835992)
    screenshot(page, "journey-1-venue-detail")

    # Bank details from the venue's page, sent for validation.
    page.get_by_role("link", name=re.compile("Renseigner les coordonnées bancaires")).first.click()
    page.wait_for_url(f"{base}/pro/lieux/{venue.pk}/coordonnees-bancaires/")
    page.locator("#id_iban").fill(IBAN)
    page.locator("#id_holder").click()  # leaving the IBAN field fills in the BIC
    page.wait_for_function("() => document.getElementById('id_bic').value !== ''")
    assert page.locator("#id_bic").input_value() == "AGRIFRPP"
    page.locator("#id_holder").fill("CINEMA LE MELIES")
    screenshot(page, "journey-1-bank-details-form")
    page.get_by_role("button", name="Envoyer pour validation").click()
    page.locator(".pro-bank-summary").get_by_text("en attente de validation", exact=False).first.wait_for()
    screenshot(page, "journey-1-bank-details-pending")

    # Staff accept them in the bank queue.
    staff_page.get_by_role("link", name="Files de validation").click()
    staff_page.wait_for_url(f"{base}/backoffice/files/")
    staff_page.get_by_role("link", name="Coordonnées bancaires à vérifier").click()
    staff_page.wait_for_url(f"{base}/backoffice/files/coordonnees-bancaires/")
    row = staff_page.locator("#bank-queue tr", has_text="Le Méliès")
    assert "FR76 3000 6000 0112 3456 7890 189" in row.inner_text()
    screenshot(staff_page, "journey-1-backoffice-bank-queue")
    row.get_by_role("button", name="Valider").click()
    staff_page.locator("#bank-queue-empty").wait_for()
    assert BankAccount.objects.get(venue=venue).status == BankAccountStatus.ACCEPTED

    page.reload()
    page.locator(".pro-bank-summary").get_by_text("Validées").wait_for()

    # Back home, the checklist's next step: an offer, then a week of showtimes every day at 14:00 and
    # 20:30, previewed then published.
    page.locator("#pro-menu").get_by_role("link", name="Accueil").click()
    page.wait_for_url(f"{base}/pro/")
    steps = page.locator("#onboarding [data-step]")
    steps.first.wait_for()
    assert steps.evaluate_all("items => items.map(i => i.dataset.done)") == ["true", "true", "true", "false"]
    page.locator("#onboarding").get_by_role("link", name="Créer une offre").click()
    # Step 1: a film nobody has programmed yet, typed; 2: details, no poster on purpose; 3: showtimes
    # (added by « Étape suivante »); 4: price and seats; 5: the summary, then « Publier l'offre ».
    page.get_by_role("link", name="Créer un nouveau film").click()
    page.get_by_role("textbox", name="Titre du film", exact=True).fill("Orbite basse")
    page.get_by_label("Année de sortie").fill("2026")
    page.get_by_role("button", name="Étape suivante").click()
    page.get_by_label("Description courte").fill("Une station spatiale, six astronautes, une panne.")
    page.get_by_label("Durée (minutes)").fill("104")
    page.get_by_label("Français").check(force=True)
    page.get_by_label("Sans affiche", exact=False).check(force=True)
    screenshot(page, "journey-1-offer-form")
    page.get_by_role("button", name="Étape suivante").click()

    tomorrow = to_local(utcnow(), venue.timezone).date() + dt.timedelta(days=1)
    page.locator("#id_start_date").fill(tomorrow.isoformat())
    page.locator("#id_end_date").fill((tomorrow + dt.timedelta(days=6)).isoformat())
    page.locator("#id_times").fill("14:00, 20:30")
    page.get_by_role("button", name="Étape suivante").click()
    page.locator("#id_price").fill("7,50")
    page.locator("#id_quantity").fill("120")
    page.get_by_role("button", name="Étape suivante").click()
    page.locator(".pro-summary__list").get_by_text("14 séances").wait_for()
    screenshot(page, "journey-1-showtimes-preview")
    page.get_by_role("button", name="Publier l'offre").click()
    page.wait_for_url(re.compile(r".*/pro/offres/\d+/$"))
    page.get_by_text("publiée").wait_for()
    rows = page.locator("#stocks-table tbody tr")
    assert rows.count() == 14
    texts = rows.all_inner_texts()
    assert [("à 14h00" in t, "à 20h30" in t) for t in texts] == [(True, False), (False, True)] * 7
    screenshot(page, "journey-1-offer-detail")

    page.locator("#pro-menu").get_by_role("link", name="Accueil").click()
    page.locator("#figures").wait_for()
    assert page.locator("#onboarding").count() == 0  # every step done: the checklist is gone
    screenshot(page, "journey-1-dashboard-done")

    stocks = Stock.objects.filter(offer__venue=venue)
    local_starts = {to_local(s.beginning_datetime, venue.timezone) for s in stocks}
    assert {start.date() for start in local_starts} == {tomorrow + dt.timedelta(days=d) for d in range(7)}
    assert {start.strftime("%H:%M") for start in local_starts} == {"14:00", "20:30"}


# --- Journeys 2 and 3: a booking through the API -----------------------------------------------------


@pytest.fixture
def cinema(transactional_db):
    """Journey 1's end, built with factories: a validated cinema with accepted bank details, a film with
    a showtime starting in 3 h (a last-minute booking is final at once, so the counter may validate it),
    its pro, and a young person with credit."""
    offerer = OffererFactory(siren=CINEMA_SIREN, name="CINEMA LE MELIES")
    venue = VenueFactory(
        offerer=offerer,
        name="Le Méliès",
        siret=SIRET,
        address="12 rue de la République",
        postal_code="69002",
        city="Lyon",
        department_code="69",
    )
    BankAccountFactory(venue=venue, accepted=True)
    offer = OfferFactory(venue=venue, name="Orbite basse")
    showtime = StockFactory(offer=offer, price_cents=750, beginning_datetime=utcnow() + dt.timedelta(hours=3))
    StockFactory(offer=offer, price_cents=750, beginning_datetime=utcnow() + dt.timedelta(days=2, hours=3))
    pro = MembershipFactory(offerer=offerer, user__email=PRO_EMAIL).user
    young = UserFactory(first_name="Inès", last_name="Morel", email="ines.morel@example.com")
    DepositFactory(user=young)
    return {"venue": venue, "showtime": showtime, "pro": pro, "young": young}


def book_through_the_api(live_server, young, stock) -> dict:
    """The young person's app: sign in, book, then read the booking back (with its QR code payload)."""
    with httpx.Client(base_url=f"{live_server.url}/api/native/v1", timeout=10) as api:
        response = api.post("/signin", json={"identifier": young.email, "password": TEST_PASSWORD})
        assert response.status_code == 200, response.text
        headers = {"Authorization": f"Bearer {response.json()['accessToken']}"}
        response = api.post("/bookings", json={"stockId": stock.pk, "quantity": 1}, headers=headers)
        assert response.status_code == 200, response.text
        booking_id = response.json()["bookingId"]
        response = api.get("/bookings", headers=headers)
        assert response.status_code == 200, response.text
    return next(b for b in response.json()["ongoingBookings"] if b["id"] == booking_id)


def test_journey_2_a_booking_from_the_app_listed_exported_and_validated_by_typing_its_code(
    live_server, cinema, page
):
    base = live_server.url
    booking = book_through_the_api(live_server, cinema["young"], cinema["showtime"])
    token = booking["token"]
    assert booking["status"] == BookingStatus.CONFIRMED and booking["qrCodePayload"]
    # Booked within 48 h of the show: final at once, so the counter may validate it now.
    assert dt.datetime.fromisoformat(booking["cancellationLimitDatetime"]) <= utcnow()

    log_in_with_cookie(page.context, live_server, cinema["pro"])
    page.goto(f"{base}/pro/")
    page.get_by_role("link", name="Réservations", exact=True).first.click()
    page.wait_for_url(f"{base}/pro/reservations/")
    row = page.locator(f'#bookings-list .pro-booking[data-countermark="{token}"]')
    row.wait_for()
    for expected in ("Inès Morel", "Orbite basse", "7,50\u00a0€"):
        assert expected in row.inner_text()
    assert "Le Méliès" in row.text_content()  # in the details, folded
    screenshot(page, "journey-2-bookings-list")

    header, lines = download_csv(page)
    line = next(line for line in lines if line[header.index("Contremarque")] == token)
    assert line[header.index("Bénéficiaire")] == "Inès Morel"
    assert line[header.index("Total")] == "7,50"

    sheet = download_xlsx(page)
    header = [cell.value for cell in sheet[1]]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    values = next(row for row in rows if row[header.index("Contremarque")] == token)
    assert values[header.index("Bénéficiaire")] == "Inès Morel"
    assert values[header.index("Total")] == 7.5

    # At the counter: the young person reads out the code; the pro types it in lower case.
    page.get_by_role("link", name="Guichet", exact=True).first.click()
    page.wait_for_url(f"{base}/pro/guichet/")
    page.get_by_label("Contremarque").fill(token.lower())
    page.get_by_role("button", name="Rechercher la contremarque").click()
    card = page.locator(".pro-counter__booking")
    card.get_by_text(f"Réservation {token}").wait_for()
    assert "Inès Morel" in card.inner_text()
    screenshot(page, "journey-2-counter-booking")
    page.get_by_role("button", name="Valider la contremarque").click()
    page.get_by_text(f"Contremarque {token} validée").wait_for()
    screenshot(page, "journey-2-counter-validated")

    page.get_by_role("link", name="Réservations", exact=True).first.click()
    page.wait_for_url(f"{base}/pro/reservations/")
    row = page.locator(f'#bookings-list .pro-booking[data-countermark="{token}"]')
    status = row.locator(".fr-badge").get_by_text("Validée", exact=True)
    status.wait_for()
    assert Booking.objects.get(token=token).status == BookingStatus.USED
    screenshot(page, "journey-2-bookings-list-validated")


def download(page, link_name: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    with open(info.value.path(), "rb") as handle:
        return info.value.suggested_filename, handle.read()


def download_csv(page) -> tuple[list[str], list[list[str]]]:
    name, content = download(page, "Télécharger (CSV)")
    assert name.endswith(".csv") and content.startswith(b"\xef\xbb\xbf")
    header, *lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    return header, lines


def download_xlsx(page):
    name, content = download(page, "Télécharger (Excel)")
    assert name.endswith(".xlsx")
    return load_workbook(io.BytesIO(content)).active


@pytest.mark.chromium_args(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
class TestJourney3:
    @pytest.fixture
    def booking(self, live_server, cinema):
        return book_through_the_api(live_server, cinema["young"], cinema["showtime"])

    @pytest.fixture
    def chromium_extra_args(self, tmp_path, booking):
        """Chromium's camera plays the QR code the app shows for this booking."""
        video = tmp_path / "qr-code.y4m"
        video.write_bytes(y4m_of_qr_code(booking["qrCodePayload"]))
        return [f"--use-file-for-fake-video-capture={video}"]

    def test_journey_3_a_booking_from_the_app_validated_by_scanning_its_qr_code(
        self, live_server, cinema, booking, page
    ):
        base = live_server.url
        token = booking["token"]
        log_in_with_cookie(page.context, live_server, cinema["pro"])
        page.context.grant_permissions(["camera"], origin=base)
        page.goto(f"{base}/pro/")
        page.get_by_role("link", name="Guichet", exact=True).first.click()
        page.wait_for_url(f"{base}/pro/guichet/")
        screenshot(page, "journey-3-counter")

        page.get_by_role("button", name="Scanner le QR code").click()
        card = page.locator(".pro-counter__booking")
        card.get_by_text(f"Réservation {token}").wait_for()
        assert "Inès Morel" in card.inner_text()
        screenshot(page, "journey-3-counter-scanned")
        page.get_by_role("button", name="Valider la contremarque").click()
        page.get_by_text(f"Contremarque {token} validée").wait_for()
        assert Booking.objects.get(token=token).status == BookingStatus.USED
        screenshot(page, "journey-3-counter-validated")
