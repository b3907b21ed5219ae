"""The offer created in steps, in a real browser at a cinema's desktop size: the film from the
suggestions, details and an image sent, previewed and framed, showtimes, price and seats, the summary
with the app's card, then « Publier ». axe and a screenshot on every step."""

import datetime as dt
import io
import mimetypes
import re
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image, ImageDraw

from passculture.core.common.time import now as utcnow
from passculture.core.common.time import to_local
from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.models import Offer
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def venue(transactional_db):
    return VenueFactory(name="Ciné Lumière Bellecour", city="Lyon", timezone="Europe/Paris")


@pytest.fixture
def pro_page(page, live_server, venue, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    media = Path(settings.MEDIA_ROOT)

    def serve_media(route):
        # The test server does not serve uploads (DEBUG is off): the previews come from MEDIA_ROOT here.
        name = route.request.url.split("/media/", 1)[1].split("?")[0]
        path = media / name
        if path.is_file():
            route.fulfill(path=str(path), content_type=mimetypes.guess_type(name)[0] or "image/webp")
        else:
            route.fulfill(status=404)

    page.route(re.compile(rf"^{re.escape(live_server.url)}/media/"), serve_media)
    page.set_viewport_size(DESKTOP)
    log_in(page, client, MembershipFactory(offerer=venue.offerer).user, live_server.url)
    return page


def poster_photo() -> bytes:
    """A landscape photo (a night sky over dunes), wider than a poster, so that the frame has to move."""
    image = Image.new("RGB", (1800, 1200))
    draw = ImageDraw.Draw(image)
    for y in range(1200):
        shade = y * 255 // 1200
        draw.line([(0, y), (1800, y)], fill=(20 + shade // 3, 10 + shade // 5, 60 + shade // 2))
    draw.ellipse((1250, 180, 1550, 480), fill=(250, 210, 120))
    draw.polygon(
        [(0, 1200), (0, 900), (500, 760), (1100, 940), (1800, 820), (1800, 1200)], fill=(200, 130, 60)
    )
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def check_step(page, number: int, name: str) -> None:
    assert f"Étape {number} sur 5" in page.locator(".fr-stepper").inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, name)
    screenshot(page, name)


def test_pro_creates_a_film_offer_step_by_step_and_publishes_it(pro_page, live_server, venue, tmp_path):
    page = pro_page
    film = find_or_create_film(
        title="Dune : deuxième partie",
        year=2024,
        visa="158963",
        duration_minutes=166,
        synopsis="Paul Atréides s'unit aux Fremen pour venger sa famille.",
        genres=["Science-fiction", "Aventure"],
        directors=["Denis Villeneuve"],
    )
    picture = tmp_path / "photo.jpg"
    picture.write_bytes(poster_photo())

    # 1. The film, from the suggestions as the pro types.
    page.goto(f"{live_server.url}/pro/offres/")
    page.get_by_role("link", name="Créer une offre").click()
    page.get_by_label("Rechercher un film").press_sequentially("dune", delay=30)
    choose = page.get_by_role("link", name="Choisir Dune : deuxième partie (2024)")
    choose.click()
    page.wait_for_url(re.compile(rf".*\?film={film.pk}$"))
    check_step(page, 1, "pro-offer-step-1-film-1440")
    page.get_by_role("button", name="Étape suivante").click()

    # 2. Details and image: languages in columns, an image sent, previewed, framed.
    page.wait_for_url(re.compile(r".*/etapes/details/$"))
    offer = Offer.objects.get()
    assert offer.is_draft and offer.film == film
    assert page.get_by_label("Titre de l'offre").input_value() == "Dune : deuxième partie"
    page.get_by_label("Français").check(force=True)
    page.get_by_label("Anglais").check(force=True)
    languages = page.locator(".pro-languages fieldset").bounding_box()
    upload = page.get_by_label("Envoyer une image").bounding_box()
    assert languages["y"] + languages["height"] <= upload["y"]  # the boxes never run into the next field
    page.get_by_label("Envoyer une image").set_input_files(str(picture))
    chosen = page.get_by_role("img", name="Image choisie, pas encore envoyée")
    chosen.wait_for()  # seen before it is sent (pro/image_preview.js)
    assert chosen.evaluate("img => img.naturalWidth") == 1800
    page.get_by_role("button", name="Envoyer l'image et voir l'aperçu").click()
    page.wait_for_url(re.compile(r".*/etapes/details/#apercu$"))
    preview = page.get_by_role("img", name="Aperçu de l'affiche recadrée")
    assert preview.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.get_by_label("Français").is_checked()  # saved with the image
    page.get_by_label("À droite").check(force=True)
    page.get_by_role("button", name="Appliquer le cadrage ou la nouvelle image").click()
    page.wait_for_url(re.compile(r".*#apercu$"))
    offer.refresh_from_db()
    assert offer.extra_data["image_position"] == 100 and offer.image.width * 3 == offer.image.height * 2
    check_step(page, 2, "pro-offer-step-2-details-1440")
    page.get_by_role("button", name="Étape suivante").click()

    # 3. Showtimes, with the existing recurrence.
    page.wait_for_url(re.compile(r".*/etapes/seances/$"))
    tomorrow = to_local(utcnow(), venue.timezone).date() + dt.timedelta(days=1)
    page.locator("#id_start_date").fill(tomorrow.isoformat())
    page.locator("#id_end_date").fill((tomorrow + dt.timedelta(days=2)).isoformat())
    page.locator("#id_times").fill("14:00, 20:30")
    page.get_by_role("button", name="Ajouter ces séances").click()
    page.get_by_role("heading", name="6 séances prévues").wait_for()
    check_step(page, 3, "pro-offer-step-3-showtimes-1440")
    page.get_by_role("button", name="Étape suivante").click()

    # 4. Price and seats.
    page.wait_for_url(re.compile(r".*/etapes/prix/$"))
    page.get_by_label("Prix de la place (€)").fill("7,50")
    page.get_by_label("Nombre de places").fill("120")
    page.get_by_label("Oui : le jeune peut réserver 2 places").check(force=True)
    check_step(page, 4, "pro-offer-step-4-price-1440")
    page.get_by_label("Nombre de places").press("Enter")  # Enter goes on, never back nor to the draft

    # 5. The summary shows the card as the app does, then « Publier ».
    page.wait_for_url(re.compile(r".*/etapes/recapitulatif/$"))
    card = page.locator(".app-poster-card")
    assert "Dune : deuxième partie" in card.inner_text()
    assert card.locator("img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert "Avant de publier" not in page.content()
    check_step(page, 5, "pro-offer-step-5-summary-1440")
    page.get_by_role("button", name="Publier l'offre").click()

    page.wait_for_url(f"{live_server.url}/pro/offres/{offer.pk}/")
    assert "publiée" in page.locator(".fr-alert").first.inner_text()
    offer.refresh_from_db()
    assert not offer.is_draft and offer.is_active and offer.is_duo
    assert set(offer.stocks.values_list("price_cents", "quantity")) == {(750, 120)}
    assert not (Path(settings.MEDIA_ROOT) / "offers" / "sources").exists() or not any(
        (Path(settings.MEDIA_ROOT) / "offers" / "sources").iterdir()
    )
