"""The pro home page: figures and charts of the current structure only, the onboarding checklist,
today's showtimes with their fill rate, and the notices (pending validation, missing bank details)."""

import pytest
from django.urls import reverse

from passculture.core.bookings.factories import BookingFactory
from passculture.core.finance.factories import BankAccountFactory, UsedBookingFactory
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.providers.allocine.models import AllocineTheater, AllocineVenueSettings
from passculture.core.users.factories import ProFactory
from passculture.interfaces.pro import dashboard
from passculture.interfaces.pro.access import SESSION_OFFERER_KEY
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)  # 13:00 in Paris
DASHBOARD = reverse("pro:dashboard")


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def logged_in(client, pro):
    client.force_login(pro)
    return client


def test_todays_showtimes_show_a_fill_rate_bar_with_its_words(logged_in, venue):
    StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        beginning_datetime=utc(2026, 3, 10, 19, 30),
        quantity=80,
        booked_quantity=12,
    )
    StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 3, 11, 19, 0))  # tomorrow: not listed
    response = logged_in.get(DASHBOARD)
    (stock,) = response.context["todays_showtimes"]
    assert stock.offer.name == "Orbite basse"
    html = response.content.decode()
    assert '<progress max="80" value="12" aria-label="12 places réservées sur 80">' in html
    assert "20:30" in html
    assert reverse("pro:offers") in html


def test_a_full_showtime_says_so(logged_in, venue):
    StockFactory(
        offer__venue=venue, beginning_datetime=utc(2026, 3, 10, 19, 0), quantity=5, booked_quantity=5
    )
    assert "Complet" in logged_in.get(DASHBOARD).content.decode()


def test_todays_showtimes_are_bounded(logged_in, venue, monkeypatch):
    monkeypatch.setattr(dashboard, "TODAYS_SHOWTIMES", 2)
    for hour in (14, 16, 18):
        StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 3, 10, hour, 0))
    response = logged_in.get(DASHBOARD)
    assert len(response.context["todays_rows"]) == 2
    assert "Seules les 2 premières séances sont affichées." in response.content.decode()


def test_the_figures_count_this_structures_bookings_only(logged_in, pro, venue):
    for booked_at in (utc(2026, 3, 10, 9, 0), utc(2026, 3, 9, 9, 0), utc(2026, 3, 2, 9, 0)):
        BookingFactory(
            stock__offer__venue=venue,
            stock__offer__name="Orbite basse",
            stock__price_cents=650,
            booked_at=booked_at,
            amount_cents=650,
        )
    # A second structure of the same user, and another offerer: never counted.
    second = MembershipFactory(user=pro, offerer=OffererFactory()).offerer
    BookingFactory(
        stock__offer__venue=VenueFactory(offerer=second), stock__offer__name="Film voisin", booked_at=NOW
    )
    other_venue = VenueFactory(name="Cinéma d'en face")
    StockFactory(
        offer__venue=other_venue, offer__name="Film d'en face", beginning_datetime=utc(2026, 3, 10, 19, 0)
    )
    BookingFactory(stock__offer__venue=other_venue, stock__offer__name="Autre film", booked_at=NOW)

    session = logged_in.session
    session[SESSION_OFFERER_KEY] = venue.offerer_id
    session.save()
    response = logged_in.get(DASHBOARD)

    assert response.context["offerer"] == venue.offerer
    figures = response.context["figures"]
    assert [(tally.count, tally.amount_cents) for tally in (figures.today, figures.week, figures.month)] == [
        (1, 650),
        (2, 1300),
        (3, 1950),
    ]
    assert [(film.title, film.count) for film in response.context["top_films"]] == [("Orbite basse", 3)]
    assert response.context["per_day_total"] == 3
    assert response.context["todays_showtimes"] == []
    html = response.content.decode()
    assert 'id="chart-per-day"' in html and 'id="chart-top-films"' in html
    assert "Voir les données" in html
    for text in ["Film d'en face", "Autre film", "Film voisin", "Cinéma d&#x27;en face"]:
        assert text not in html
    assert {row.venue_id for row in response.context["revenues"]} == {venue.pk}


def test_the_next_transfer_and_the_revenue_link_to_the_reimbursements(logged_in, venue):
    BankAccountFactory(venue=venue, accepted=True, decided_at=utc(2026, 1, 5, 9, 0))
    UsedBookingFactory(stock__offer__venue=venue, amount_cents=1250, used_at=utc(2026, 2, 27, 10, 0))
    price_bookings(at=NOW)
    html = logged_in.get(DASHBOARD).content.decode()
    transfer = html[html.index('id="figure-transfer"') :]
    assert "12,50" in transfer
    assert "le 23 mars · à venir" in transfer  # the 16 March cut-off, transfer asked 7 days later
    assert reverse("pro:reimbursements") in transfer
    assert reverse("pro:venue-ledger", args=[venue.pk]) in html
    assert "Remboursé à 100" in html


def test_venues_missing_bank_details_are_listed(logged_in, venue):
    response = logged_in.get(DASHBOARD)
    listed = [item["venue"] for item in response.context["venues_missing_bank_details"]]
    assert listed == [venue]
    assert "Coordonnées bancaires manquantes" in response.content.decode()


def test_a_pending_membership_is_announced(client):
    pro = ProFactory()
    MembershipFactory(user=pro, offerer__name="Cinéma en attente", validation_status=ValidationStatus.PENDING)
    client.force_login(pro)
    html = client.get(DASHBOARD).content.decode()
    assert "Rattachement en attente" in html
    assert "Cinéma en attente" in html


def test_an_offerer_not_yet_validated_is_announced(client):
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=OffererFactory(validation_status=ValidationStatus.NEW))
    client.force_login(pro)
    response = client.get(DASHBOARD)
    assert response.context["offerer_pending"] is True
    assert "Structure en cours de validation" in response.content.decode()


def test_a_validated_offerer_has_no_pending_notice(logged_in):
    html = logged_in.get(DASHBOARD).content.decode()
    assert "Structure en cours de validation" not in html
    assert "Rattachement en attente" not in html


def test_the_dashboard_query_count_does_not_grow_with_bookings(
    logged_in, venue, django_assert_max_num_queries
):
    # The next transfer adds up each venue's position (a few queries per venue, finance.transfers):
    # the bookings, showtimes and films, never.
    BookingFactory(stock=StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 3, 10, 19, 0)))
    with django_assert_max_num_queries(60) as few:
        logged_in.get(DASHBOARD)
    for day in range(5):
        BookingFactory(
            stock=StockFactory(offer__venue=venue, beginning_datetime=utc(2026, 3, 10, 14 + day, 0)),
            booked_at=utc(2026, 3, 1 + day, 10, 0),
        )
        UsedBookingFactory(stock__offer__venue=venue, used_at=utc(2026, 3, 1 + day, 10, 0))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = logged_in.get(DASHBOARD)
    assert len(response.context["todays_showtimes"]) == 6
    assert response.context["per_day_total"] == 11


# "Today" is each venue's own date: Réunion is UTC+4, Guadeloupe UTC-4 (neither has summer time).


@pytest.fixture
def reunion(venue):
    return VenueFactory(offerer=venue.offerer, timezone="Indian/Reunion", postal_code="97400")


@pytest.fixture
def guadeloupe(venue):
    return VenueFactory(offerer=venue.offerer, timezone="America/Guadeloupe", postal_code="97110")


def _dashboard_at(client, time_machine, moment):
    time_machine.move_to(moment, tick=False)
    context = client.get(DASHBOARD).context
    return context["todays_showtimes"]


def test_at_21h_utc_a_reunion_venues_today_is_already_the_next_day(logged_in, reunion, time_machine):
    StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 10, 15, 0))  # the 10th at 19:00
    tonight = StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 11, 16, 0))  # 11th, 20:00
    StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 12, 16, 0))
    todays = _dashboard_at(logged_in, time_machine, utc(2026, 3, 10, 21, 0))  # 11th, 01:00
    assert todays == [tonight]


def test_at_21h_utc_a_guadeloupe_venue_is_still_on_the_same_day(logged_in, guadeloupe, time_machine):
    earlier = StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 10, 14, 0))  # 10:00
    tonight = StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 11, 1, 0))  # 21:00
    StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 11, 18, 0))
    todays = _dashboard_at(logged_in, time_machine, utc(2026, 3, 10, 21, 0))  # 10th, 17:00
    assert todays == [earlier, tonight]


def test_at_3h_utc_a_guadeloupe_venues_today_is_still_the_previous_day(logged_in, guadeloupe, time_machine):
    late_show = StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 10, 3, 30))  # 9th 23:30
    StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 10, 22, 0))  # 10th 18:00
    todays = _dashboard_at(logged_in, time_machine, utc(2026, 3, 10, 3, 0))  # 9th, 23:00
    assert todays == [late_show]


def test_at_3h_utc_a_reunion_venue_is_on_the_utc_day(logged_in, reunion, time_machine):
    StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 9, 19, 0))  # the 9th at 23:00
    evening = StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 10, 16, 0))  # 10th 20:00
    StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 10, 20, 30))
    todays = _dashboard_at(logged_in, time_machine, utc(2026, 3, 10, 3, 0))  # 10th, 07:00
    assert todays == [evening]


def test_each_venue_of_the_offerer_has_its_own_today(logged_in, reunion, guadeloupe, time_machine):
    reunion_tonight = StockFactory(offer__venue=reunion, beginning_datetime=utc(2026, 3, 11, 16, 0))
    guadeloupe_tonight = StockFactory(offer__venue=guadeloupe, beginning_datetime=utc(2026, 3, 11, 1, 0))
    todays = _dashboard_at(logged_in, time_machine, utc(2026, 3, 10, 21, 0))
    assert todays == [guadeloupe_tonight, reunion_tonight]


# --- Onboarding checklist ---------------------------------------------------------------------------


def _steps(client) -> dict[str, bool]:
    response = client.get(DASHBOARD)
    return {step.code: step.done for step in response.context["steps"]}


def test_a_new_structure_sees_each_step_to_do_with_where_it_is_done(client):
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=OffererFactory(validation_status=ValidationStatus.NEW))
    client.force_login(pro)
    response = client.get(DASHBOARD)
    assert {step.code: step.done for step in response.context["steps"]} == {
        "offerer": False,
        "venue": False,
        "bank": False,
        "offer": False,
    }
    html = response.content.decode()
    assert "Pour bien démarrer" in html
    assert 'id="chart-per-day"' not in html  # no empty chart: words
    assert "Aucune réservation sur les 30 derniers jours." in html
    for name in ("pro:venue-create", "pro:bank-accounts", "pro:offer-create"):
        assert f'href="{reverse(name)}"' in html


def test_submitted_bank_details_and_an_offer_tick_their_steps(logged_in, venue):
    assert _steps(logged_in) == {"offerer": True, "venue": True, "bank": False, "offer": False}
    BankAccountFactory(venue=venue)  # submitted, waiting for pass Culture
    OfferFactory(venue=venue, is_draft=True, is_active=False)  # a draft is not a published offer
    assert _steps(logged_in) == {"offerer": True, "venue": True, "bank": True, "offer": False}
    StockFactory(offer__venue=venue)
    assert _steps(logged_in) == {"offerer": True, "venue": True, "bank": True, "offer": True}


def test_the_checklist_is_hidden_once_every_step_is_done(logged_in, venue):
    BankAccountFactory(venue=venue, accepted=True)
    StockFactory(offer__venue=venue)
    response = logged_in.get(DASHBOARD)
    assert response.context["onboarding_done"] is True
    assert "Pour bien démarrer" not in response.content.decode()


def test_a_venue_listed_on_allocine_adds_the_import_step(logged_in, venue):
    BankAccountFactory(venue=venue, accepted=True)
    StockFactory(offer__venue=venue)
    theater = AllocineTheater.objects.create(siret=venue.siret, theater_id="P0001", is_active=True)
    response = logged_in.get(DASHBOARD)
    assert response.context["steps"][-1].code == "allocine"
    assert response.context["onboarding_done"] is False
    assert reverse("pro:venue-allocine", args=[venue.pk]) in response.content.decode()
    AllocineVenueSettings.objects.create(venue=venue, theater=theater, price_cents=700)
    assert _steps(logged_in)["allocine"] is True
