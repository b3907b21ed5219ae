import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from passculture.core.common.time import to_local
from passculture.core.offers.models import Offer, Stock
from passculture.core.providers.allocine.models import AllocineImportRun, AllocineVenueSettings
from passculture.core.providers.allocine.schemas import parse_feed
from passculture.demo import allocine_feed
from passculture.demo.loader import ALLOCINE_CINEMAS, ALLOCINE_PRICE_CENTS

pytestmark = pytest.mark.usefixtures("demo")

LINK = "Tous les détails du film sur AlloCiné: https://www.allocine.fr/film/fichefilm_gen_cfilm="


def _imported_offers():
    return Offer.objects.filter(provider_ref__startswith="allocine:")


def _venue(demo, key):
    return demo.cinemas[key].venue


def test_only_the_two_demo_cinemas_get_imported_offers(db, demo):
    venue_ids = set(_imported_offers().values_list("venue_id", flat=True))
    assert venue_ids == {_venue(demo, key).pk for key, *_ in ALLOCINE_CINEMAS}
    for key, *_ in ALLOCINE_CINEMAS:
        assert _imported_offers().filter(venue=_venue(demo, key)).count() == len(allocine_feed.MOVIES)


def test_imported_offers_end_with_their_allocine_link(db):
    for offer in _imported_offers():
        movie = next(m for m in allocine_feed.MOVIES if m.title == offer.name)
        assert offer.description.endswith(f"{LINK}{movie.internal_id}.html")
        assert offer.extra_data["allocine_url"] == allocine_feed.allocine_url(movie)


def test_the_film_pages_link_the_imported_films_to_allocine(db, client):
    # The discovery page lists films; each film page (an offer link redirects to it) links to AlloCiné.
    linked = []
    for offer in _imported_offers():
        page = client.get(reverse("app:offer", args=[offer.pk]), follow=True).content.decode()
        linked += [m for m in allocine_feed.MOVIES if f'href="{allocine_feed.allocine_url(m)}"' in page]
    for movie in allocine_feed.MOVIES:
        assert linked.count(movie) == len(ALLOCINE_CINEMAS)


def test_imported_offers_have_their_replayed_poster(db):
    # On their film, shared by both cinemas (a title also typed by a demo cinema keeps its poster).
    offers = _imported_offers().select_related("film")
    assert all(offer.film and offer.poster == offer.film.poster for offer in offers)
    assert all(offer.poster for offer in offers)


def test_3d_and_imax_showtimes_are_not_imported(db, demo):
    key = ALLOCINE_CINEMAS[0][0]
    venue = _venue(demo, key)
    today = to_local(demo.at, venue.timezone).date()
    feed = parse_feed(allocine_feed.build_feed(ALLOCINE_CINEMAS[0][1], today))
    premium = [
        dt.datetime.combine(s.starts_at.date(), s.starts_at.time())
        for film in feed.films
        for s in film.showtimes
        if s.experience
    ]
    assert premium  # the feed does carry premium screenings
    starts = {
        to_local(stock.beginning_datetime, venue.timezone).replace(tzinfo=None)
        for stock in Stock.objects.filter(offer__venue=venue, provider_ref__startswith="allocine:")
    }
    assert starts.isdisjoint(premium)
    assert not Stock.objects.filter(
        provider_ref__startswith="allocine:", provider_ref__contains="T19:45"
    ).exists()


def test_showtimes_are_read_in_the_venue_timezone_la_reunion(db, demo):
    key = ALLOCINE_CINEMAS[1][0]
    venue = _venue(demo, key)
    assert venue.timezone == "Indian/Reunion"
    stocks = Stock.objects.filter(offer__venue=venue, provider_ref__startswith="allocine:")
    assert stocks.exists()
    for stock in stocks:
        local_ref = stock.provider_ref.split(":", 2)[2].rsplit(":", 1)[0]
        local = to_local(stock.beginning_datetime, venue.timezone).replace(tzinfo=None)
        assert local.isoformat() == local_ref
        assert (local.hour, local.minute) in allocine_feed.SLOTS


def test_imported_showtimes_use_the_venue_settings(db, demo):
    for key, _theater, _internal, is_duo in ALLOCINE_CINEMAS:
        venue = _venue(demo, key)
        stocks = Stock.objects.filter(offer__venue=venue, provider_ref__startswith="allocine:")
        assert set(stocks.values_list("price_cents", "quantity")) == {(ALLOCINE_PRICE_CENTS, 100)}
        assert set(_imported_offers().filter(venue=venue).values_list("is_duo", flat=True)) == {is_duo}


def test_imported_showtimes_include_original_versions(db):
    versions = set(
        Stock.objects.filter(provider_ref__startswith="allocine:").values_list("version", flat=True)
    )
    assert versions == {"VF", "VO"}


def test_one_successful_import_run_per_venue(db, demo):
    for key, *_ in ALLOCINE_CINEMAS:
        runs = AllocineImportRun.objects.filter(venue=_venue(demo, key))
        assert list(runs.values_list("status", "films_seen")) == [
            (AllocineImportRun.Status.OK, len(allocine_feed.MOVIES))
        ]


def test_running_the_demo_again_duplicates_nothing(db, demo):
    before = (_imported_offers().count(), Stock.objects.filter(provider_ref__startswith="allocine:").count())
    out = io.StringIO()
    call_command("demo", stdout=out)
    demo.import_allocine_programmes()
    after = (_imported_offers().count(), Stock.objects.filter(provider_ref__startswith="allocine:").count())
    assert after == before
    assert AllocineVenueSettings.objects.count() == len(ALLOCINE_CINEMAS)
    assert "2 cinémas importés depuis AlloCiné (flux de démonstration)" in out.getvalue()
