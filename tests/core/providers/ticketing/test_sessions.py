"""A cinema's programme pushed by its ticketing software (core.providers.ticketing.sessions)."""

import datetime as dt

import pytest

from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.factories import FilmFactory
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers import price_categories
from passculture.core.offers import services as offer_services
from passculture.core.offers.models import Offer, PriceCategory, PriceCategoryOrigin, Stock
from passculture.core.providers.allocine.models import AllocineVanishedShowtime
from passculture.core.providers.ticketing import sessions
from passculture.core.users.factories import UserFactory
from tests.conftest import utc
from tests.helpers import error_code

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 2, 9, 0)


@pytest.fixture(autouse=True)
def _clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def venue(db):
    return VenueFactory(booking_email="caisse@cinema.example.com")


@pytest.fixture
def film(db):
    return FilmFactory(title="Le Voyage dans la Lune", allocine_id="1234", visa="5678", duration_minutes=15)


def stock(ident: str, day: int, hour: int = 20, category: str = "PT", features=("VF",), quantity=100):
    return sessions.PushedStock(ident, utc(2026, 3, day, hour), category, quantity, tuple(features))


def offer(film_id="allocine_id:1234", stocks=None, categories=None):
    return sessions.PushedOffer(
        film_id,
        categories
        or [
            sessions.PushedCategory("PT", "Plein tarif", 750),
            sessions.PushedCategory("TR", "Tarif réduit", 500),
        ],
        stocks if stocks is not None else [stock("S1", 5), stock("S2", 5, category="TR"), stock("S3", 6)],
    )


def snapshot(venue):
    return (
        list(Offer.objects.filter(venue=venue).order_by("pk").values()),
        list(PriceCategory.objects.filter(offer__venue=venue).order_by("pk").values()),
        list(Stock.objects.filter(offer__venue=venue).order_by("pk").values()),
    )


def test_a_push_creates_one_offer_per_film_its_categories_and_showtimes(venue, film):
    result = sessions.push_cinema_sessions(venue, [offer()])

    created = Offer.objects.get(venue=venue)
    assert created.film == film and created.name == film.title and created.duration_minutes == 15
    assert created.id_at_provider == "allocine_id:1234" and created.is_active
    categories = {c.id_at_provider: c for c in PriceCategory.objects.filter(offer=created)}
    assert {k: (c.label.label, c.price_cents, c.origin) for k, c in categories.items()} == {
        "PT": ("Plein tarif", 750, PriceCategoryOrigin.PROVIDER),
        "TR": ("Tarif réduit", 500, PriceCategoryOrigin.PROVIDER),
    }
    stocks = {s.id_at_provider: s for s in Stock.objects.filter(offer=created)}
    assert stocks["S2"].price_category == categories["TR"] and stocks["S2"].price_cents == 500
    assert stocks["S1"].beginning_datetime == stocks["S1"].booking_limit_datetime == utc(2026, 3, 5, 20)
    assert stocks["S1"].version == "VF" and stocks["S1"].quantity == 100
    assert (result.offers_created, result.stocks_created) == (1, 3)


def test_pushing_the_same_programme_twice_changes_nothing(venue, film):
    sessions.push_cinema_sessions(venue, [offer()])
    before = snapshot(venue)

    result = sessions.push_cinema_sessions(venue, [offer()])

    assert snapshot(venue) == before
    assert (result.offers_created, result.stocks_created, result.stocks_updated, result.stocks_deleted) == (
        0,
        0,
        0,
        0,
    )


def test_a_film_is_found_by_its_visa_too(venue, film):
    sessions.push_cinema_sessions(venue, [offer()])
    sessions.push_cinema_sessions(venue, [offer(film_id="visa:5678")])
    assert Offer.objects.filter(venue=venue).count() == 1
    assert Stock.objects.filter(offer__venue=venue, is_deleted=False).count() == 3


def test_changes_of_a_showtime_are_applied(venue, film):
    sessions.push_cinema_sessions(venue, [offer()])
    moved = [
        stock("S1", 7, 18, category="TR", features=("VO", "3D"), quantity=40),
        stock("S2", 5, category="TR"),
        stock("S3", 6),
    ]

    result = sessions.push_cinema_sessions(venue, [offer(stocks=moved)])

    s1 = Stock.objects.get(id_at_provider="S1")
    assert (s1.beginning_datetime, s1.price_cents, s1.quantity, s1.version, s1.features) == (
        utc(2026, 3, 7, 18),
        500,
        40,
        "VO",
        ["3D"],
    )
    assert s1.booking_limit_datetime == s1.beginning_datetime
    assert result.stocks_updated == 1


def test_a_new_price_of_a_category_reaches_its_showtimes(venue, film):
    sessions.push_cinema_sessions(venue, [offer()])
    categories = [
        sessions.PushedCategory("PT", "Plein tarif", 800),
        sessions.PushedCategory("TR", "Tarif réduit", 500),
    ]

    sessions.push_cinema_sessions(venue, [offer(categories=categories)])

    assert PriceCategory.objects.get(id_at_provider="PT").price_cents == 800
    assert Stock.objects.get(id_at_provider="S1").price_cents == 800


def test_a_category_the_pro_made_by_hand_is_used_never_overwritten(venue, film):
    made = Offer.objects.create(venue=venue, name="x", film=film, provider_ref=f"ticketing:{film.pk}")
    manual = price_categories.create_price_category(made, label="Plein tarif", price_cents=900)

    sessions.push_cinema_sessions(venue, [offer()])

    manual.refresh_from_db()
    assert (manual.price_cents, manual.origin, manual.id_at_provider) == (900, PriceCategoryOrigin.MANUAL, "")
    assert Stock.objects.get(id_at_provider="S1").price_category == manual
    assert Stock.objects.get(id_at_provider="S1").price_cents == 900


def test_what_the_pro_edited_by_hand_is_not_overwritten(venue, film):
    sessions.push_cinema_sessions(venue, [offer()])
    s1 = Stock.objects.get(id_at_provider="S1")
    offer_services.update_stock(s1.pk, quantity=12)

    sessions.push_cinema_sessions(venue, [offer()])

    assert Stock.objects.get(pk=s1.pk).quantity == 12


def test_a_showtime_the_pro_deleted_never_comes_back(venue, film):
    sessions.push_cinema_sessions(venue, [offer()])
    s1 = Stock.objects.get(id_at_provider="S1")
    offer_services.delete_stock(s1.pk)

    sessions.push_cinema_sessions(venue, [offer()])

    assert Stock.objects.filter(id_at_provider="S1", is_deleted=False).count() == 0


def test_an_unbooked_showtime_missing_from_the_push_is_deleted_and_may_come_back(venue, film):
    sessions.push_cinema_sessions(venue, [offer()])

    result = sessions.push_cinema_sessions(
        venue, [offer(stocks=[stock("S2", 5, category="TR"), stock("S3", 6)])]
    )

    assert result.stocks_deleted == 1
    gone = Stock.objects.get(offer__venue=venue, is_deleted=True)
    assert gone.id_at_provider == ""
    sessions.push_cinema_sessions(venue, [offer()])
    assert Stock.objects.filter(id_at_provider="S1", is_deleted=False).count() == 1


def test_a_booked_showtime_missing_from_the_push_is_kept_and_the_pro_alerted_once(venue, film):
    sessions.push_cinema_sessions(venue, [offer()])
    s1 = Stock.objects.get(id_at_provider="S1")
    user = UserFactory()
    DepositFactory(user=user)
    book_offer(user, s1.pk)
    without_s1 = offer(stocks=[stock("S2", 5, category="TR"), stock("S3", 6)])

    result = sessions.push_cinema_sessions(venue, [without_s1], source="Billetterie A")
    sessions.push_cinema_sessions(venue, [without_s1], source="Billetterie A")

    assert result.stocks_kept_booked == 1 and result.alerted_stock_ids == [s1.pk]
    assert not Stock.objects.get(pk=s1.pk).is_deleted
    alert = AllocineVanishedShowtime.objects.get(stock=s1)
    assert alert.resolved_at is None
    emails = OutboxEmail.objects.filter(kind=sessions.ALERT_KIND)
    assert emails.count() == 1 and "programme Billetterie A" in emails.get().subject
    sessions.push_cinema_sessions(venue, [offer()])
    alert.refresh_from_db()
    assert alert.resolved_at is not None


def test_a_whole_film_missing_from_the_push_loses_its_unbooked_showtimes(venue, film):
    sessions.push_cinema_sessions(venue, [offer()])
    sessions.push_cinema_sessions(venue, [])
    assert Stock.objects.filter(offer__venue=venue, is_deleted=False).count() == 0


def test_past_showtimes_are_skipped_and_past_ones_never_touched(venue, film):
    result = sessions.push_cinema_sessions(venue, [offer(stocks=[stock("OLD", 1), stock("S1", 5)])])
    assert result.skipped_past == 1
    assert list(Stock.objects.values_list("id_at_provider", flat=True)) == ["S1"]


@pytest.mark.parametrize(
    ("push", "code"),
    [
        (lambda: [offer()] * 251, "TOO_MANY_OFFERS"),
        (lambda: [offer(stocks=[stock(f"S{i}", 5) for i in range(851)])], "TOO_MANY_STOCKS"),
        (
            lambda: [offer(categories=[sessions.PushedCategory(str(i), f"T{i}", 500) for i in range(11)])],
            "TOO_MANY_PRICE_CATEGORIES",
        ),
        (lambda: [offer(film_id="allocine_id:999")], "UNKNOWN_FILM"),
        (lambda: [offer(film_id="imdb:tt1")], "INVALID_FILM_ID"),
        (lambda: [offer(), offer(film_id="visa:5678")], "DUPLICATE_FILM"),
        (lambda: [offer(stocks=[stock("S1", 5), stock("S1", 6)])], "DUPLICATE_ID_AT_PROVIDER"),
        (lambda: [offer(stocks=[stock("S1", 5, category="XX")])], "UNKNOWN_PRICE_CATEGORY"),
        (lambda: [offer(stocks=[stock("S1", 5, features=("VF", "ODORAMA"))])], "INVALID_FEATURE"),
        (lambda: [offer(stocks=[stock("S1", 5, quantity=10**9)])], "STOCK_QUANTITY_TOO_HIGH"),
        (
            lambda: [offer(stocks=[sessions.PushedStock("S1", utc(2029, 3, 1, 20), "PT", 10)])],
            "STOCK_DATE_OUT_OF_RANGE",
        ),
        (
            lambda: [
                offer(
                    categories=[
                        sessions.PushedCategory("PT", "a", 500),
                        sessions.PushedCategory("TR", "a", 5),
                    ]
                )
            ],
            "DUPLICATE_PRICE_CATEGORY_LABEL",
        ),
        (
            lambda: [offer(categories=[sessions.PushedCategory("PT", "x" * 51, 500)])],
            "PRICE_CATEGORY_LABEL_INVALID",
        ),
        (lambda: [offer(categories=[sessions.PushedCategory("PT", "Plein", -1)])], "INVALID_PRICE"),
    ],
)
def test_a_push_beyond_the_limits_is_refused_with_its_code_and_writes_nothing(venue, film, push, code):
    assert error_code(sessions.push_cinema_sessions, venue, push()) == code
    assert not Offer.objects.filter(venue=venue).exists()


def test_the_push_is_logged(venue, film):
    from passculture.core.common.models import AuditLog

    sessions.push_cinema_sessions(venue, [offer()], actor_label="Clé logiciel abc")
    log = AuditLog.objects.get(action="ticketing.sessions_pushed")
    assert log.actor_label == "Clé logiciel abc" and log.data["stocks_created"] == 3


def test_the_push_costs_a_fixed_number_of_queries(venue, film, django_assert_max_num_queries):
    films = [FilmFactory(allocine_id=str(2000 + i)) for i in range(20)]
    push = [
        offer(
            film_id=f"allocine_id:{f.allocine_id}",
            stocks=[stock(f"S{d}-{h}", d, h) for d in range(3, 9) for h in (14, 20)],
        )
        for f in films
    ]
    with django_assert_max_num_queries(25):
        sessions.push_cinema_sessions(venue, push)
    with django_assert_max_num_queries(25):
        sessions.push_cinema_sessions(venue, push)
    assert Stock.objects.filter(offer__venue=venue).count() == 240


def _unused():
    return dt
