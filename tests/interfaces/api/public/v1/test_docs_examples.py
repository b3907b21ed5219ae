"""A client written only from the docs page (/public/docs): it reads each curl command and the answer
shown under it, replays them in order against a live server and compares (the parser is API v2's).

The page's situations are set up first (a cinema linked to the provider, its programme pushed as the
page's first example pushes it, a booking XK4F2M) with a clock just before the page's showtimes."""

import datetime as dt

import httpx
import pytest

from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.models import Offer, Stock
from passculture.core.providers.ticketing import keys, sessions
from passculture.core.providers.ticketing.models import Provider
from passculture.core.users.factories import StaffFactory, UserFactory
from passculture.interfaces.api.public.v1.examples import PROGRAMME, VARYING
from tests.interfaces.api.public.v2.test_docs_examples import _variables, replay

from .conftest import link

ERROR_CODES = {
    "UNAUTHENTICATED",
    "API_KEY_REVOKED",
    "VENUE_NOT_FOUND",
    "UNKNOWN_FILM",
    "COUNTERMARK_NOT_FOUND",
}
DOCUMENTED_AT = dt.datetime(2027, 3, 12, 17, 0, tzinfo=dt.UTC)


def _pushed_programme():
    offer = PROGRAMME["offers"][0]
    return [
        sessions.PushedOffer(
            offer["filmId"],
            [
                sessions.PushedCategory(c["idAtProvider"], c["label"], c["price"])
                for c in offer["priceCategories"]
            ],
            [
                sessions.PushedStock(
                    s["idAtProvider"],
                    dt.datetime.fromisoformat(s["beginningDatetime"]),
                    s["priceCategoryIdAtProvider"],
                    s["quantity"],
                    tuple(s["features"]),
                )
                for s in offer["stocks"]
            ],
        )
    ]


@pytest.fixture
def documented_world(transactional_db, time_machine):
    time_machine.move_to(DOCUMENTED_AT, tick=True)
    staff = StaffFactory()
    provider, other = (
        Provider.objects.create(name="Billetterie A"),
        Provider.objects.create(name="Billetterie B"),
    )
    venue, elsewhere = VenueFactory(name="Ciné Lumière"), VenueFactory(name="Ciné Autre")
    link(venue, provider)
    link(elsewhere, other)
    FilmFactory(
        title="Le Voyage dans la Lune",
        allocine_id="1234",
        visa="5678",
        synopsis="Un voyage.",
        duration_minutes=15,
    )
    sessions.push_cinema_sessions(venue, _pushed_programme())
    offer = Offer.objects.get(venue=venue)
    full, reduced = Stock.objects.filter(offer=offer).order_by("pk")
    camille = UserFactory(
        first_name="Camille",
        last_name="Martin",
        email="camille.martin@example.com",
        phone_number="+33612345678",
        birth_date=dt.date(2008, 5, 14),
    )
    DepositFactory(user=camille)
    booking = book_offer(camille, reduced.pk)
    Booking.objects.filter(pk=booking.pk).update(token="XK4F2M")
    revoked = keys.create_provider_key(provider.pk, actor=staff)
    keys.revoke_provider_key(revoked.key.pk, actor=staff)
    return {
        "CLE": keys.create_provider_key(provider.pk, actor=staff).clear_key,
        "CLE_REVOQUEE": revoked.clear_key,
        "LIEU": str(venue.pk),
        "AUTRE_LIEU": str(elsewhere.pk),
        "OFFRE": str(offer.pk),
        "SEANCE": str(full.pk),
    }


def _same(documented, actual, where: str, key: str = "") -> None:
    if isinstance(documented, dict):
        assert isinstance(actual, dict) and set(actual) == set(documented), f"{key}: {where}"
        for name, value in documented.items():
            _same(value, actual[name], where, name)
    elif isinstance(documented, list):
        assert isinstance(actual, list) and len(actual) == len(documented), f"{key}: {where}"
        for value, got in zip(documented, actual, strict=True):
            _same(value, got, where, key)
    elif key in VARYING:
        assert type(actual) is type(documented), f"{key}: {where}"
    else:
        assert actual == documented, f"{key}: {where}"


def test_every_curl_example_of_the_docs_page_answers_what_the_page_shows(live_server, documented_world):
    with httpx.Client(timeout=10) as client:
        page = client.get(f"{live_server.url}/public/docs")
        assert page.status_code == 200
        variables = {**_variables(page.text), **documented_world}
        assert variables["API"] == f"{live_server.url}/public"

        seen_codes = set()
        for where, _calls, expected, _response, body in replay(client, page.text, variables):
            if body is None:
                continue
            if "code" in expected.body:
                seen_codes.add(body["code"])
                continue
            _same(expected.body, body, where)

    assert seen_codes == ERROR_CODES
