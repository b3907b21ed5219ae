"""The film of an offer made by hand: the pro picks an existing film (a search that works without
JavaScript, and as suggestions with htmx) or creates one; the offer links to it."""

import pytest
from django.urls import reverse

from passculture.core.films.models import Film
from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory
from passculture.core.offers.models import Offer
from tests.conftest import utc
from tests.interfaces.pro.test_offers import offer_data, page_text

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


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
        title="Dune : deuxième partie",
        year=2024,
        visa="158963",
        duration_minutes=166,
        synopsis="Paul Atréides s'unit aux Fremen.",
        genres=["Science-fiction"],
        directors=["Denis Villeneuve"],
    )


def test_the_search_lists_films_by_title_whatever_the_accents_and_by_visa(pro_client, dune):
    find_or_create_film(title="Le Cercle", year=2001)

    by_title = pro_client.get(reverse("pro:offer-create"), {"film_q": "DEUXIEME partie"})
    by_visa = pro_client.get(reverse("pro:offer-create"), {"film_q": "158963"})

    assert by_title.context["film"]["results"] == [dune]
    assert by_visa.context["film"]["results"] == [dune]
    text = page_text(by_title)
    assert f'href="?film={dune.pk}"' in text and "Denis Villeneuve" in text
    assert "Le Cercle" not in text


def test_the_suggestions_answer_the_same_list_as_a_fragment(pro_client, dune):
    response = pro_client.get(reverse("pro:film-suggestions"), {"film_q": "dune"})

    text = page_text(response)
    assert response.status_code == 200
    assert "<html" not in text and f'href="?film={dune.pk}"' in text


def test_a_search_without_match_offers_to_create_the_film(pro_client):
    text = page_text(pro_client.get(reverse("pro:offer-create"), {"film_q": "Inconnu au bataillon"}))
    assert "Aucun film ne correspond" in text
    assert "?film=nouveau&amp;film_q=Inconnu%20au%20bataillon" in text


def test_the_search_is_bounded(pro_client, dune):
    response = pro_client.get(reverse("pro:film-suggestions"), {"film_q": "dune" + "x" * 5000})
    assert response.status_code == 200
    assert response.context["film"]["query"] == ("dune" + "x" * 5000)[:140]


def test_the_suggestions_need_a_pro(client, dune):
    response = client.get(reverse("pro:film-suggestions"), {"film_q": "dune"})
    assert response.status_code == 302


def test_picking_a_film_shows_it_and_keeps_it_for_the_first_step(pro_client, dune):
    response = pro_client.get(reverse("pro:offer-create"), {"film": dune.pk})

    assert response.context["form"]["film"].value() == str(dune.pk)
    text = page_text(response)
    assert "Dune : deuxième partie" in text and "166 min" in text
    assert "Changer de film" in text


def test_an_offer_made_with_a_picked_film_links_to_it(pro_client, venue, dune):
    data = offer_data(venue, film=str(dune.pk), name="", description="", duration_minutes="")

    response = pro_client.post(reverse("pro:offer-create"), data)

    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.film == dune
    assert (offer.name, offer.duration_minutes) == ("Dune : deuxième partie", 166)
    assert offer.description == "Paul Atréides s'unit aux Fremen."


def test_a_pro_creates_the_film_and_a_second_cinema_typing_it_gets_the_same(pro_client, venue, client):
    data = offer_data(
        venue,
        film="nouveau",
        new_film_title="Les Lumières de Belleville",
        new_film_year="2026",
        new_film_visa="161 201",
        new_film_genres="Comédie, Drame",
        name="",
        description="<p>Une <b>comédie</b>.</p>",
    )

    assert pro_client.post(reverse("pro:offer-create"), data).status_code == 302

    film = Film.objects.get()
    assert (film.title, film.year, film.visa, film.genres) == (
        "Les Lumières de Belleville",
        2026,
        "161201",
        ["Comédie", "Drame"],
    )
    # The first step asks for the film only: its duration and synopsis are the offer's, written next.
    assert (film.duration_minutes, film.synopsis) == (None, "")
    assert Offer.objects.get().film == film and Offer.objects.get().name == film.title

    other_venue = VenueFactory()
    other_pro = MembershipFactory(offerer=other_venue.offerer).user
    client.force_login(other_pro)
    again = {
        **data,
        "venue": other_venue.pk,
        "new_film_title": "les lumieres de belleville",
        "new_film_visa": "",
    }
    assert client.post(reverse("pro:offer-create"), again).status_code == 302
    assert Film.objects.count() == 1
    assert Offer.objects.filter(film=film).count() == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"new_film_year": "1850"}, "new_film_year", "1895"),
        ({"new_film_year": "2040"}, "new_film_year", "2031"),
        ({"new_film_visa": "12A45"}, "new_film_visa", "que des chiffres"),
        ({"new_film_title": ""}, "new_film_title", "obligatoire"),
    ],
)
def test_a_new_film_is_refused_with_the_reason_next_to_its_field(pro_client, venue, changes, field, message):
    data = offer_data(
        venue, **{"film": "nouveau", "new_film_title": "Anora", "new_film_year": "2024", **changes}
    )

    response = pro_client.post(reverse("pro:offer-create"), data)

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors
    assert not Film.objects.exists() and not Offer.objects.exists()


def test_an_unknown_film_is_refused_with_what_to_do(pro_client, venue):
    response = pro_client.post(reverse("pro:offer-create"), offer_data(venue, film="999999"))
    assert response.status_code == 200
    assert "Film introuvable : cherchez-le de nouveau ou créez-le." in page_text(response)
    assert not Offer.objects.exists()


def test_a_cinema_card_cannot_be_linked_to_a_film(pro_client, venue, dune):
    data = offer_data(venue, film=str(dune.pk), category="CARTE_CINE_MULTISEANCES")
    response = pro_client.post(reverse("pro:offer-create-card"), data)
    assert response.status_code == 200
    assert "Seule une séance de cinéma peut être liée à un film" in page_text(response)
    assert not Offer.objects.exists()


def test_the_edit_page_shows_the_film_and_changes_it(pro_client, venue, dune):
    offer = OfferFactory(venue=venue, name="Dune 2")
    other = find_or_create_film(title="Anora", year=2024, duration_minutes=139)

    picked = pro_client.get(reverse("pro:offer-edit", args=[offer.pk]), {"film": other.pk})
    assert picked.context["form"]["name"].value() == "Anora"
    assert picked.context["form"]["duration_minutes"].value() == 139

    data = offer_data(venue, film=str(dune.pk), name="Dune 2 (VO)")
    assert pro_client.post(reverse("pro:offer-edit", args=[offer.pk]), data).status_code == 302
    offer.refresh_from_db()
    assert (offer.film, offer.name) == (dune, "Dune 2 (VO)")

    assert (
        pro_client.post(reverse("pro:offer-edit", args=[offer.pk]), offer_data(venue, film="")).status_code
        == 302
    )
    offer.refresh_from_db()
    assert offer.film is None


def test_another_offerers_offer_stays_out_of_reach_with_a_film(pro_client, dune):
    stranger = OfferFactory(name="Chez les autres")

    page = pro_client.get(reverse("pro:offer-edit", args=[stranger.pk]), {"film": dune.pk})
    post = pro_client.post(
        reverse("pro:offer-edit", args=[stranger.pk]), offer_data(stranger.venue, film=dune.pk)
    )

    assert (page.status_code, post.status_code) == (404, 404)
    stranger.refresh_from_db()
    assert stranger.film is None


def test_the_offer_page_shows_the_film_poster_when_the_offer_has_no_image(pro_client, venue, dune):
    from django.core.files.base import ContentFile

    from tests.image_files import image_bytes

    dune.poster.save("dune.jpg", ContentFile(image_bytes(size=(400, 600))), save=True)
    offer = OfferFactory(venue=venue, name="Dune 2", film=dune)

    text = page_text(pro_client.get(reverse("pro:offer-detail", args=[offer.pk])))

    assert dune.poster.url in text
    assert "Dune : deuxième partie (2024), visa 158963" in text


def test_changing_the_film_of_an_offer_searches_and_keeps_the_current_one_until_another_is_picked(
    pro_client, venue, dune
):
    offer = OfferFactory(venue=venue, name="Dune 2", film=dune)

    response = pro_client.get(reverse("pro:offer-edit", args=[offer.pk]), {"film_q": "dune"})

    assert response.context["film"]["results"] == [dune]
    assert response.context["form"]["film"].value() == str(dune.pk)
    assert "Film actuel" in page_text(response)
