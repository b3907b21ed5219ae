import datetime as dt

import pytest
from django.utils import timezone

from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offers import price_categories
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingStockFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(venue):
    return OfferFactory(venue=venue, is_duo=True, languages=["fr", "en"])


def test_an_offer_is_public_and_returned_in_camel_case(anonymous, offer):
    stock = StockFactory(offer=offer, price_cents=12_50, quantity=80)

    response = anonymous.get(f"/offers/{offer.pk}")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {
        "id", "name", "description", "category", "durationMinutes", "languages", "isDuo",
        "isDigital", "isEvent", "imageUrl", "filmId", "venue", "film", "stocks", "priceCategories",
    }  # fmt: skip
    assert body["filmId"] is None  # not linked to a film
    assert (body["id"], body["name"], body["isDuo"], body["languages"]) == (
        offer.pk,
        offer.name,
        True,
        ["fr", "en"],
    )
    assert body["imageUrl"] is None and body["filmId"] is None
    venue = offer.venue
    assert body["venue"] == {
        "id": venue.pk,
        "name": venue.name,
        "address": venue.address,
        "postalCode": venue.postal_code,
        "city": venue.city,
        "latitude": float(venue.latitude),
        "longitude": float(venue.longitude),
        "timezone": "Europe/Paris",
    }
    [stock_out] = body["stocks"]
    assert set(stock_out) == {
        "id", "beginningDatetime", "bookingLimitDatetime", "price", "remainingQuantity", "version", "isBookable",
        "priceCategoryId", "priceCategoryLabel",
    }  # fmt: skip
    assert stock_out["id"] == stock.pk
    assert stock_out["isBookable"] is True


def test_stocks_give_their_price_category_and_the_offer_its_categories(
    anonymous, offer, django_assert_max_num_queries
):
    full = price_categories.create_price_category(offer, label="Plein tarif", price_cents=900)
    reduced = price_categories.create_price_category(offer, label="Tarif réduit", price_cents=650)
    start = timezone.now() + dt.timedelta(days=3)
    StockFactory(offer=offer, price_category=full, price_cents=900, beginning_datetime=start)
    StockFactory(offer=offer, price_category=reduced, price_cents=650, beginning_datetime=start)
    StockFactory(offer=offer, price_cents=700, beginning_datetime=start + dt.timedelta(hours=3))

    with django_assert_max_num_queries(2):
        body = anonymous.get(f"/offers/{offer.pk}").json()

    assert [(s["priceCategoryId"], s["priceCategoryLabel"], s["price"]) for s in body["stocks"]] == [
        (full.pk, "Plein tarif", 900),
        (reduced.pk, "Tarif réduit", 650),
        (None, "Tarif unique", 700),
    ]
    assert body["priceCategories"] == [
        {"id": reduced.pk, "label": "Tarif réduit", "price": 650},
        {"id": full.pk, "label": "Plein tarif", "price": 900},
    ]


def test_stock_price_is_in_integer_cents(anonymous, offer):
    StockFactory(offer=offer, price_cents=12_50)

    assert anonymous.get(f"/offers/{offer.pk}").json()["stocks"][0]["price"] == 1250


def test_remaining_quantity_is_places_left_and_null_when_unlimited(anonymous, venue):
    limited = StockFactory(offer__venue=venue, quantity=10, booked_quantity=3)
    unlimited = ThingStockFactory(offer__venue=venue)

    assert anonymous.get(f"/offers/{limited.offer_id}").json()["stocks"][0]["remainingQuantity"] == 7
    assert anonymous.get(f"/offers/{unlimited.offer_id}").json()["stocks"][0]["remainingQuantity"] is None


def test_deleted_stocks_are_not_listed(anonymous, offer):
    kept = StockFactory(offer=offer)
    StockFactory(offer=offer, is_deleted=True)

    assert [s["id"] for s in anonymous.get(f"/offers/{offer.pk}").json()["stocks"]] == [kept.pk]


def test_a_started_showtime_is_listed_but_not_bookable(anonymous, offer):
    past = timezone.now() - dt.timedelta(hours=1)
    StockFactory(offer=offer, beginning_datetime=past, booking_limit_datetime=past)

    assert anonymous.get(f"/offers/{offer.pk}").json()["stocks"][0]["isBookable"] is False


def test_a_sold_out_showtime_is_not_bookable(anonymous, offer):
    StockFactory(offer=offer, quantity=5, booked_quantity=5)

    assert anonymous.get(f"/offers/{offer.pk}").json()["stocks"][0]["isBookable"] is False


def test_the_image_url_is_absolute(anonymous, offer):
    offer.image.name = "offers/affiche.jpg"
    offer.save(update_fields=["image"])

    assert (
        anonymous.get(f"/offers/{offer.pk}").json()["imageUrl"]
        == "http://testserver/media/offers/affiche.jpg"
    )


def test_an_unknown_offer_is_404_offer_not_found(anonymous, db):
    response = anonymous.get("/offers/999999")

    assert response.status_code == 404
    assert response.json()["code"] == "OFFER_NOT_FOUND"


def test_an_inactive_offer_is_404_offer_not_found(anonymous, venue):
    offer = OfferFactory(venue=venue, is_active=False)

    response = anonymous.get(f"/offers/{offer.pk}")

    assert response.status_code == 404
    assert response.json()["code"] == "OFFER_NOT_FOUND"


def test_an_offer_of_a_venue_not_validated_is_404(anonymous, venue):
    venue.validation_status = ValidationStatus.PENDING
    venue.save(update_fields=["validation_status"])

    assert anonymous.get(f"/offers/{OfferFactory(venue=venue).pk}").json()["code"] == "OFFER_NOT_FOUND"


def test_an_offer_of_an_offerer_not_validated_is_404(anonymous, venue):
    venue.offerer.validation_status = ValidationStatus.NEW
    venue.offerer.save(update_fields=["validation_status"])

    assert anonymous.get(f"/offers/{OfferFactory(venue=venue).pk}").status_code == 404


def test_offer_detail_queries_do_not_grow_with_stocks(anonymous, offer, django_assert_max_num_queries):
    StockFactory.create_batch(5, offer=offer)

    with django_assert_max_num_queries(2):
        assert len(anonymous.get(f"/offers/{offer.pk}").json()["stocks"]) == 5


def test_the_offer_carries_the_film_details_of_its_import(anonymous, venue):
    offer = OfferFactory(
        venue=venue,
        extra_data={
            "allocine_url": "https://www.allocine.fr/film/fichefilm_gen_cfilm=1.html",
            "directors": ["Jeanne Lune"],
            "cast": ["Ana Sol", "Ben Mar"],
            "genres": ["Drame"],
            "countries": ["France"],
            "original_title": "Low Orbit",
            "release_date": "2026-11-25",
        },
    )

    assert anonymous.get(f"/offers/{offer.pk}").json()["film"] == {
        "directors": ["Jeanne Lune"],
        "cast": ["Ana Sol", "Ben Mar"],
        "genres": ["Drame"],
        "countries": ["France"],
        "originalTitle": "Low Orbit",
        "releaseDate": "2026-11-25",
        "allocineUrl": "https://www.allocine.fr/film/fichefilm_gen_cfilm=1.html",
    }


def test_film_details_are_empty_when_unknown_or_malformed(anonymous, venue):
    offer = OfferFactory(
        venue=venue,
        extra_data={
            "directors": "Une seule",
            "cast": 3,
            "release_date": "bientôt",
            "allocine_url": "ftp://x",
        },
    )

    film = anonymous.get(f"/offers/{offer.pk}").json()["film"]

    assert film["directors"] == ["Une seule"]
    assert (film["cast"], film["releaseDate"], film["allocineUrl"]) == ([], None, None)


def test_an_offer_gives_its_film_and_the_film_poster_when_it_has_no_image(
    anonymous, offer, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from passculture.core.films.services import find_or_create_film

    settings.MEDIA_ROOT = tmp_path
    film = find_or_create_film(title="Anora", year=2024)
    film.poster.save("anora.jpg", ContentFile(b"jpeg"), save=True)
    offer.film = film
    offer.save()

    body = anonymous.get(f"/offers/{offer.pk}").json()

    assert body["filmId"] == film.pk
    assert body["imageUrl"].endswith(film.poster.url)
