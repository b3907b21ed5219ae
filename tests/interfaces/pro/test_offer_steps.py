"""The offer created in five steps: each step's POST, its errors and bounds, the draft kept between
steps, and another offerer's draft out of reach (404 on every step)."""

import html

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory
from passculture.core.offers.models import Offer
from passculture.core.offers.selectors import visible_offers
from tests.conftest import utc
from tests.interfaces.pro.test_offers import jpeg

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)
STEPS = ("film", "details", "showtimes", "price", "summary")


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def pro_client(client, pro):
    client.force_login(pro)
    return client


@pytest.fixture
def dune():
    return find_or_create_film(
        title="Dune : deuxième partie", year=2024, visa="158963", duration_minutes=166, synopsis="Paul."
    )


@pytest.fixture
def draft(pro_client, venue, dune):
    response = pro_client.post(
        reverse("pro:offer-create"), {"venue": venue.pk, "film": dune.pk, "action": "next"}
    )
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:offer-step-details", args=[offer.pk])
    return offer


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def step_url(offer, step):
    return reverse(f"pro:offer-step-{step}", args=[offer.pk])


def details(**changes):
    data = {
        "name": "Dune 2",
        "description": "Paul s'unit aux Fremen.",
        "duration_minutes": "166",
        "languages": ["fr", "en"],
        "booking_email": "",
        "poster_choice": "",
        "action": "next",
    }
    data.update(changes)
    return data


def fill_showtimes(client, offer):
    data = {"start_date": "2026-03-16", "end_date": "2026-03-17", "times": "14:00, 20h30", "version": "VF"}
    return client.post(step_url(offer, "showtimes"), {**data, "action": "next"})


# --- Step 1 -------------------------------------------------------------------------------------------


def test_step_one_shows_the_stepper_and_the_film_search(pro_client, dune):
    text = page_text(pro_client.get(reverse("pro:offer-create"), {"film_q": "dune"}))
    assert "fr-stepper" in text and "Étape 1 sur 5" in text
    assert "Dune : deuxième partie" in text


def test_a_picked_film_starts_a_draft_invisible_to_the_young_people(draft, dune):
    assert draft.is_draft and not draft.is_active
    assert draft.film == dune and draft.name == dune.title and draft.duration_minutes == 166
    assert not visible_offers(NOW).filter(pk=draft.pk).exists()


def test_step_one_without_a_film_says_what_to_do(pro_client, venue):
    response = pro_client.post(reverse("pro:offer-create"), {"venue": venue.pk, "film": "", "action": "next"})
    assert response.status_code == 200
    assert "Choisissez le film projeté" in page_text(response)
    assert not Offer.objects.exists()


def test_another_film_typed_creates_the_shared_film(pro_client, venue):
    data = {"venue": venue.pk, "film": "nouveau", "new_film_title": "Mon film", "new_film_year": "2025"}
    response = pro_client.post(reverse("pro:offer-create"), {**data, "action": "next"})
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert offer.film.title == "Mon film" and offer.name == "Mon film"


def test_the_venue_is_only_one_of_the_structures(pro_client):
    stranger = VenueFactory()
    response = pro_client.post(reverse("pro:offer-create"), {"venue": stranger.pk, "film": "nouveau"})
    assert response.status_code == 200
    assert not Offer.objects.exists()


# --- Step 2 -------------------------------------------------------------------------------------------


def test_next_without_an_image_nor_a_choice_is_refused_in_french(pro_client, draft):
    response = pro_client.post(step_url(draft, "details"), details())
    assert response.status_code == 200
    assert "Choisissez l'image de l'offre" in page_text(response)
    draft.refresh_from_db()
    assert draft.name == "Dune 2"  # what was typed is kept all the same


def test_an_image_sent_is_framed_to_a_poster_and_previewed(pro_client, draft):
    upload = jpeg(size=(1800, 1200))
    response = pro_client.post(
        step_url(draft, "details"), details(image=upload, action="preview", position="0")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.poster_choice == "upload" and draft.image
    assert draft.image.width * 3 == draft.image.height * 2
    text = page_text(pro_client.get(step_url(draft, "details")))
    assert "Aperçu de l'affiche recadrée" in text and "À gauche" in text


def test_the_frame_moves_within_the_image(pro_client, draft):
    pro_client.post(step_url(draft, "details"), details(image=jpeg(size=(1800, 1200)), action="preview"))
    draft.refresh_from_db()
    first = draft.image.name
    response = pro_client.post(step_url(draft, "details"), details(position="100", action="preview"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.image.name != first and draft.extra_data["image_position"] == 100


def test_an_out_of_bounds_frame_is_refused(pro_client, draft):
    pro_client.post(step_url(draft, "details"), details(image=jpeg(size=(1800, 1200)), action="preview"))
    response = pro_client.post(step_url(draft, "details"), details(position="900", action="preview"))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in page_text(response)


def test_a_too_small_image_is_refused_with_its_size(pro_client, draft):
    response = pro_client.post(step_url(draft, "details"), details(image=jpeg(size=(300, 450))))
    assert response.status_code == 200
    assert "300 × 450" in page_text(response)


def test_sans_affiche_is_an_explicit_choice(pro_client, draft):
    response = pro_client.post(step_url(draft, "details"), details(poster_choice="none"))
    assert response["Location"] == step_url(draft, "showtimes")
    draft.refresh_from_db()
    assert draft.poster_choice == "none" and not draft.image


def test_the_films_poster_is_offered_only_when_the_film_has_one(pro_client, draft, dune):
    response = pro_client.post(step_url(draft, "details"), details(poster_choice="film"))
    assert response.status_code == 200
    dune.poster.save("dune.jpg", ContentFile(jpeg().read()))
    response = pro_client.post(step_url(draft, "details"), details(poster_choice="film"))
    assert response.status_code == 302


def test_languages_are_a_labelled_group_in_columns(pro_client, draft):
    text = page_text(pro_client.get(step_url(draft, "details")))
    assert '<div class="pro-languages">' in text and "Langues parlées dans le film" in text
    assert "fr-fieldset__element--inline" not in text.split("pro-languages")[1].split("</fieldset>")[0]


# --- Steps 3 and 4 ------------------------------------------------------------------------------------


def test_showtimes_are_planned_with_the_existing_recurrence(pro_client, draft):
    response = fill_showtimes(pro_client, draft)
    assert response["Location"] == step_url(draft, "price")
    assert draft.stocks.count() == 4
    assert set(draft.stocks.values_list("price_cents", flat=True)) == {0}


def test_next_without_any_showtime_is_refused(pro_client, draft):
    response = pro_client.post(step_url(draft, "showtimes"), {"action": "next"})
    assert response.status_code == 200
    assert "Ajoutez au moins une séance" in page_text(response)


def test_showtimes_can_all_be_removed_from_a_draft(pro_client, draft):
    fill_showtimes(pro_client, draft)
    pro_client.post(step_url(draft, "showtimes"), {"action": "clear"})
    assert not draft.stocks.exists()


@pytest.mark.parametrize(
    ("price", "quantity", "message"),
    [("1000,01", "", "1000"), ("-1", "", "0"), ("8", "100001", "100000"), ("huit", "", "nombre")],
)
def test_price_and_seats_are_bounded(pro_client, draft, price, quantity, message):
    fill_showtimes(pro_client, draft)
    response = pro_client.post(
        step_url(draft, "price"), {"price": price, "quantity": quantity, "is_duo": "0"}
    )
    assert response.status_code == 200
    assert message in page_text(response).replace("\u202f", "").replace(" ", "")


def test_price_and_seats_apply_to_every_showtime_and_to_later_ones(pro_client, draft):
    fill_showtimes(pro_client, draft)
    response = pro_client.post(step_url(draft, "price"), {"price": "7,50", "quantity": "80", "is_duo": "1"})
    assert response["Location"] == step_url(draft, "summary")
    data = {"start_date": "2026-03-18", "end_date": "2026-03-18", "times": "18:00", "version": "VO"}
    pro_client.post(step_url(draft, "showtimes"), {**data, "action": "add"})
    assert set(draft.stocks.values_list("price_cents", "quantity")) == {(750, 80)}
    draft.refresh_from_db()
    assert draft.is_duo


# --- Summary, publication, drafts ---------------------------------------------------------------------


def test_the_summary_shows_the_apps_card_and_publishing_needs_every_step(pro_client, draft):
    text = page_text(pro_client.get(step_url(draft, "summary")))
    assert "app-poster-card" in text and "Avant de publier" in text
    response = pro_client.post(step_url(draft, "summary"), {"action": "publish"})
    assert response.status_code == 200
    assert "ne peut pas encore être publiée" in page_text(response)
    draft.refresh_from_db()
    assert draft.is_draft


def test_the_sans_affiche_path_publishes_a_visible_offer(pro_client, draft):
    pro_client.post(step_url(draft, "details"), details(poster_choice="none"))
    fill_showtimes(pro_client, draft)
    pro_client.post(step_url(draft, "price"), {"price": "6", "quantity": "", "is_duo": "0"})
    response = pro_client.post(step_url(draft, "summary"), {"action": "publish"})
    assert response["Location"] == reverse("pro:offer-detail", args=[draft.pk])
    draft.refresh_from_db()
    assert not draft.is_draft and draft.is_active and draft.poster_choice == "none"
    assert visible_offers(NOW).filter(pk=draft.pk).exists()
    # Published: the steps lead to the offer's page from now on.
    assert pro_client.get(step_url(draft, "details"))["Location"] == reverse(
        "pro:offer-detail", args=[draft.pk]
    )


def test_a_draft_is_saved_from_any_step_and_resumed_at_the_first_incomplete_one(pro_client, draft):
    response = pro_client.post(step_url(draft, "details"), details(poster_choice="none", action="draft"))
    assert response["Location"] == reverse("pro:offers")
    text = page_text(pro_client.get(reverse("pro:offers")))
    assert "Brouillon" in text and reverse("pro:offer-resume", args=[draft.pk]) in text
    assert pro_client.get(reverse("pro:offer-resume", args=[draft.pk]))["Location"] == step_url(
        draft, "showtimes"
    )


def test_the_list_filters_drafts_apart_from_deactivated_offers(pro_client, draft, venue):
    OfferFactory(venue=venue, name="Film désactivé", is_active=False)
    drafts_only = page_text(pro_client.get(reverse("pro:offers"), {"status": "draft"}))
    inactive = page_text(pro_client.get(reverse("pro:offers"), {"status": "inactive"}))
    assert draft.name in drafts_only and "Film désactivé" not in drafts_only
    assert "Film désactivé" in inactive and draft.name not in inactive


def test_going_back_keeps_what_was_typed(pro_client, draft):
    response = pro_client.post(step_url(draft, "details"), details(name="Dune, VO", action="back"))
    assert response["Location"] == step_url(draft, "film")
    assert "Dune, VO" in page_text(pro_client.get(step_url(draft, "details")))


def test_a_draft_cannot_be_activated_without_publishing(pro_client, draft):
    pro_client.post(reverse("pro:offer-set-active", args=[draft.pk]), {"active": "1"})
    draft.refresh_from_db()
    assert not draft.is_active


def test_every_step_of_another_offerers_draft_answers_404(pro_client):
    stranger = OfferFactory(is_draft=True, is_active=False)
    for step in STEPS:
        assert pro_client.get(step_url(stranger, step)).status_code == 404
        assert pro_client.post(step_url(stranger, step), {"action": "next"}).status_code == 404
    assert pro_client.get(reverse("pro:offer-resume", args=[stranger.pk])).status_code == 404


def test_a_member_of_the_offerer_reaches_the_draft(client, draft):
    colleague = MembershipFactory(offerer=draft.venue.offerer).user
    client.force_login(colleague)
    assert client.get(step_url(draft, "details")).status_code == 200


def test_the_steps_need_a_pro(client, draft):
    client.logout()
    assert client.get(step_url(draft, "details")).status_code == 302
