"""Migration offers 0005: existing showings are linked to films (Allociné id, else visa, else title and
year), in batches, and the migration goes back by unlinking them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from passculture.core.offerers.factories import VenueFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
BEFORE = [("offers", "0004_offer_film"), ("films", "0002_film_poster_source")]
AFTER = [("offers", "0005_link_offers_to_films")]
MIGRATION = "passculture.core.offers.migrations.0005_link_offers_to_films"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def before():
    venues = [VenueFactory(), VenueFactory()]
    apps = _migrate(BEFORE)
    yield apps, venues
    # Whatever the test did, the next tests find the schema and data of the latest migrations.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _imported(Offer, venue, movie_id, title, **extra):
    return Offer.objects.create(
        venue_id=venue.pk,
        name=title,
        category="SEANCE_CINE",
        description="Le synopsis.\nTous les détails du film sur AlloCiné: https://www.allocine.fr/film/1",
        duration_minutes=102,
        provider_ref=f"allocine:{movie_id}",
        extra_data={
            "allocine_id": movie_id,
            "visa": "158963" if movie_id == "M1" else "",
            "release_date": "2026-11-25",
            "directors": ["Jeanne Dupont"],
            "cast": ["Léa Martin"],
            "genres": ["DRAMA"],
            "countries": ["France"],
            "original_title": "The Northern Travellers",
            "allocine_url": "https://www.allocine.fr/film/1",
            **extra,
        },
    )


def test_existing_showings_link_to_one_film_per_film_and_going_back_unlinks(before):
    apps, (first, second) = before
    Offer, Film = apps.get_model("offers", "Offer"), apps.get_model("films", "Film")
    a = _imported(Offer, first, "M1", "Les Voyageurs du Nord")
    b = _imported(Offer, second, "M1", "Les Voyageurs du Nord")
    # The same film by visa only, and the same film typed by hand with other accents and case.
    c = Offer.objects.create(
        venue_id=second.pk, name="Autre titre", category="SEANCE_CINE", extra_data={"visa": "158963"}
    )
    by_hand = [
        Offer.objects.create(venue_id=venue.pk, name=name, category="SEANCE_CINE", duration_minutes=95,
                             description="<p>Une <b>comédie</b>.</p>", extra_data={"genre": "Comédie", "demo": True})
        for venue, name in ((first, "Le Grand Saut"), (second, "le grand  SAUT"))
    ]  # fmt: skip
    same_title_other_id = _imported(Offer, second, "M2", "Les Voyageurs du Nord")
    card = Offer.objects.create(venue_id=first.pk, name="Carte 5 places", category="CARTE_CINE_MULTISEANCES")

    apps = _migrate(AFTER)

    Offer, Film = apps.get_model("offers", "Offer"), apps.get_model("films", "Film")
    linked = {offer.pk: offer.film_id for offer in Offer.objects.all()}
    assert linked[a.pk] == linked[b.pk] == linked[c.pk]
    assert linked[by_hand[0].pk] == linked[by_hand[1].pk] != linked[a.pk]
    assert linked[same_title_other_id.pk] not in (None, linked[a.pk])
    assert linked[card.pk] is None
    assert Film.objects.count() == 3

    voyageurs = Film.objects.get(pk=linked[a.pk])
    assert (voyageurs.allocine_id, voyageurs.visa, voyageurs.year, voyageurs.title_key) == (
        "M1", "158963", 2026, "les voyageurs du nord",
    )  # fmt: skip
    assert (voyageurs.synopsis, voyageurs.duration_minutes, voyageurs.directors) == (
        "Le synopsis.",
        102,
        ["Jeanne Dupont"],
    )
    assert (
        voyageurs.original_title == "The Northern Travellers" and str(voyageurs.release_date) == "2026-11-25"
    )
    grand_saut = Film.objects.get(pk=linked[by_hand[0].pk])
    assert (grand_saut.title, grand_saut.year, grand_saut.genres, grand_saut.synopsis) == (
        "Le Grand Saut", None, ["Comédie"], "Une comédie.",
    )  # fmt: skip

    apps = _migrate(BEFORE)

    assert not apps.get_model("offers", "Offer").objects.filter(film__isnull=False).exists()


def test_many_offers_cost_a_fixed_number_of_statements_per_batch(before, monkeypatch):
    apps, (venue, _other) = before
    Offer = apps.get_model("offers", "Offer")
    Offer.objects.bulk_create(
        Offer(venue_id=venue.pk, name=f"Film {index % 120}", category="SEANCE_CINE",
              extra_data={"allocine_id": f"M{index % 120}"} if index % 2 else {})
        for index in range(900)
    )  # fmt: skip
    monkeypatch.setattr(f"{MIGRATION}.BATCH", 200)

    with CaptureQueriesContext(connection) as queries:
        apps = _migrate(AFTER)

    Offer, Film = apps.get_model("offers", "Offer"), apps.get_model("films", "Film")
    assert not Offer.objects.filter(film__isnull=True).exists()
    # Odd numbers carry an Allociné id, even ones are matched by title: 60 + 60 films.
    assert Film.objects.count() == 120
    statements = [q["sql"] for q in queries if "offers_offer" in q["sql"] or "films_film" in q["sql"]]
    assert len(statements) < 60
