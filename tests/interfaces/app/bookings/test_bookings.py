"""My bookings (/reservations/), one booking (/reservations/<id>/) and cancelling (POST)."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from passculture.core.bookings.constants import BookingStatus, CancellationReason
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.selectors import balance_of
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingStockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
H = dt.timedelta(hours=1)
PAYLOAD = re.compile(r'data-qr-payload="(PASSCULTURE:v3;TOKEN:[A-Z2-7]{6})"')


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def _panel(page: str) -> str:
    """The HTML of the tab shown (à venir, passées or annulées)."""
    start = page.index('<section class="fr-tabs__panel')
    return page[start : page.index("</section>", start)]


def _tab(client, slug: str) -> str:
    return _panel(_page(client.get(reverse("app:bookings"), {"onglet": slug})))


@pytest.fixture
def venue():
    return VenueFactory(
        name="Ciné Lumière Bellecour", address="12 rue de la République", postal_code="69002", city="Lyon"
    )


@pytest.fixture
def booking(beneficiary, venue):
    # Booked on 10 March at 12:00 UTC for the 20th: cancellable for 48 h, until 12 March 13h00 in Paris.
    stock = StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        offer__is_duo=True,
        price_cents=7_50,
        beginning_datetime=utc(2026, 3, 20, 19, 30),
    )
    return book_offer(beneficiary, stock.pk, 2)


def test_the_urls_are_the_contract():
    assert reverse("app:bookings") == "/reservations/"
    assert reverse("app:booking", args=[4]) == "/reservations/4/"
    assert reverse("app:booking_cancel", args=[4]) == "/reservations/4/annuler/"


@pytest.mark.parametrize("url", ["/reservations/", "/reservations/1/"])
def test_anonymous_visitors_log_in_first(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("app:login"))


def test_the_confirmation_shows_countermark_qr_cinema_time_quantity_total_and_deadline(logged_in, booking):
    page = _page(logged_in.get(reverse("app:booking", args=[booking.pk])))
    assert f"data-countermark>{booking.token}<" in page
    assert PAYLOAD.search(page).group(1) == f"PASSCULTURE:v3;TOKEN:{booking.token}"
    assert (
        f'<svg width="259" height="259" role="img" aria-label="QR code de la contremarque {booking.token}"'
        in page
    )
    assert 'fill="#fff"' in page and 'stroke="#000"' in page  # dark on white, whatever the theme
    assert "Ciné Lumière Bellecour" in page
    assert "12 rue de la République, 69002 Lyon" in page
    assert "vendredi 20 mars 2026 à 20h30" in page
    assert "2 places (duo)" in page
    assert "15\u00a0€" in page
    assert "Annulable jusqu'au 12 mars 2026 à 13h00." in page
    assert reverse("app:booking_cancel", args=[booking.pk]) in page


def test_the_booking_pages_are_private(logged_in, booking):
    for url in (reverse("app:booking", args=[booking.pk]), reverse("app:bookings")):
        cache_control = logged_in.get(url)["Cache-Control"]
        assert "private" in cache_control and "no-cache" in cache_control


def test_another_beneficiarys_booking_is_404(client, booking):
    intruder = UserFactory()
    DepositFactory(user=intruder)
    client.force_login(intruder)
    assert client.get(reverse("app:booking", args=[booking.pk])).status_code == 404


def test_an_unknown_booking_is_404(logged_in):
    assert logged_in.get(reverse("app:booking", args=[999_999])).status_code == 404


def test_a_pro_cannot_see_a_booking_page(client, booking):
    client.force_login(ProFactory())
    assert client.get(reverse("app:booking", args=[booking.pk])).status_code == 403


def _cards(panel: str) -> list[str]:
    """The film titles of the cards of a tab, in their order."""
    return re.findall(r'<h3 class="fr-card__title"><a href="/reservations/\d+/">([^<]+)</a>', panel)


def test_the_list_has_upcoming_past_and_cancelled_tabs(logged_in, beneficiary, booking, venue):
    past_stock = StockFactory(offer__venue=venue, offer__name="Le Phare", beginning_datetime=NOW - 5 * 24 * H)
    BookingFactory(
        user=beneficiary,
        stock=past_stock,
        booked_at=NOW - 6 * 24 * H,
        status=BookingStatus.USED,
        used_at=NOW - 5 * 24 * H,
    )
    cancelled_stock = StockFactory(offer__venue=venue, offer__name="Nuit blanche")
    BookingFactory(
        user=beneficiary,
        stock=cancelled_stock,
        status=BookingStatus.CANCELLED,
        cancelled_at=NOW - H,
        cancellation_reason=CancellationReason.OFFERER,
    )

    upcoming, past, cancelled = (_tab(logged_in, slug) for slug in ("a-venir", "passees", "annulees"))

    assert _cards(upcoming) == ["Orbite basse"]
    assert "Ciné Lumière Bellecour" in upcoming and "vendredi 20 mars · 20h30" in upcoming
    assert f"data-countermark>{booking.token}<" in upcoming and "Confirmée" in upcoming
    assert _cards(past) == ["Le Phare"] and "Validée" in past
    assert _cards(cancelled) == ["Nuit blanche"]
    assert "Annulée par le cinéma le 10 mars 2026 à 12h00" in cancelled
    page = _page(logged_in.get(reverse("app:bookings")))
    assert "À venir (1)" in page and "Passées (1)" in page and "Annulées (1)" in page


def test_the_tabs_are_links_with_the_current_one_marked(logged_in, booking):
    page = _page(logged_in.get(reverse("app:bookings") + "?onglet=passees"))
    assert '<a class="fr-tabs__tab" href="/reservations/" data-tab="a-venir">' in page
    assert 'href="/reservations/?onglet=passees" data-tab="passees" aria-current="page">Passées (0)' in page
    tabs = page[
        page.index('<nav class="bk-tabs-nav"') : page.index("</nav>", page.index('<nav class="bk-tabs-nav"'))
    ]
    assert tabs.count('aria-current="page"') == 1


@pytest.mark.parametrize("value", ["", "nimporte", "a-venir", "x" * 5000])
def test_an_unknown_tab_shows_the_upcoming_one(logged_in, booking, value):
    response = logged_in.get(reverse("app:bookings"), {"onglet": value})
    assert _cards(_panel(_page(response))) == ["Orbite basse"]


def test_the_list_never_shows_a_qr_code(logged_in, beneficiary, booking):
    StockFactory()
    for slug in ("a-venir", "passees", "annulees"):
        assert not PAYLOAD.search(_tab(logged_in, slug))
        assert "<svg" not in _tab(logged_in, slug)


def test_each_tab_has_an_empty_state_saying_what_to_do(logged_in):
    upcoming = _tab(logged_in, "a-venir")
    assert "Tu n'as pas de séance à venir." in upcoming
    assert f'href="{reverse("app:home")}">Découvre les films à l\'affiche</a>' in upcoming
    assert "Les séances que tu as vues s'afficheront ici." in _tab(logged_in, "passees")
    cancelled = _tab(logged_in, "annulees")
    assert "Tu n'as aucune réservation annulée." in cancelled
    assert 'href="/reservations/">Voir mes réservations à venir</a>' in cancelled


def test_tabs_sort_the_next_show_first_and_past_ones_latest_first(logged_in, beneficiary):
    for name, days in (("Dans trois jours", 3), ("Demain", 1), ("Il y a deux jours", -2), ("Hier", -1)):
        BookingFactory(
            user=beneficiary,
            stock=StockFactory(offer__name=name, beginning_datetime=NOW + days * 24 * H),
            booked_at=NOW - 10 * 24 * H,
        )
    assert _cards(_tab(logged_in, "a-venir")) == ["Demain", "Dans trois jours"]
    assert _cards(_tab(logged_in, "passees")) == ["Hier", "Il y a deux jours"]


@pytest.mark.parametrize(
    ("reason", "label"),
    [
        (CancellationReason.BENEFICIARY, "Annulée par toi"),
        (CancellationReason.OFFERER, "Annulée par le cinéma"),
        (CancellationReason.EXPIRED, "Expirée : non retirée dans les 30 jours"),
        (CancellationReason.FRAUD, "Annulée par le pass Culture (suspicion de fraude)"),
        (CancellationReason.BACKOFFICE, "Annulée par le support pass Culture"),
    ],
)
def test_a_cancelled_booking_says_who_cancelled(logged_in, beneficiary, reason, label):
    BookingFactory(
        user=beneficiary, status=BookingStatus.CANCELLED, cancelled_at=NOW, cancellation_reason=reason
    )
    assert label in _tab(logged_in, "annulees")


def test_a_confirmed_showtime_over_is_past_without_qr_code(logged_in, beneficiary):
    stock = StockFactory(offer__duration_minutes=100, beginning_datetime=NOW - 2 * H)
    booking = BookingFactory(
        user=beneficiary, stock=stock, booked_at=NOW - 3 * 24 * H, cancellation_limit_datetime=NOW - 24 * H
    )
    past = _tab(logged_in, "passees")
    assert _cards(past) == [stock.offer.name] and "Terminée" in past
    ticket = _page(logged_in.get(reverse("app:booking", args=[booking.pk])))
    assert not PAYLOAD.search(ticket)
    assert "La séance a commencé : la réservation ne peut plus être annulée." in ticket
    assert "Ajouter à mon agenda" not in ticket


def test_a_showtime_in_progress_is_upcoming_and_its_ticket_shows_the_qr_code(logged_in, beneficiary):
    stock = StockFactory(offer__duration_minutes=100, beginning_datetime=NOW - H)
    booking = BookingFactory(user=beneficiary, stock=stock, booked_at=NOW - 3 * 24 * H)
    assert _cards(_tab(logged_in, "a-venir")) == [stock.offer.name]
    assert PAYLOAD.search(_page(logged_in.get(reverse("app:booking", args=[booking.pk]))))


def test_a_booking_that_cannot_be_cancelled_any_more_says_why_and_since_when(logged_in, beneficiary):
    # Booked 72 h before the show, now 30 h before it: final since 48 h before the show.
    stock = StockFactory(beginning_datetime=NOW + 30 * H)
    booking = BookingFactory(
        user=beneficiary, stock=stock, booked_at=NOW - 42 * H, cancellation_limit_datetime=NOW - 18 * H
    )
    assert "Non annulable" in _tab(logged_in, "a-venir")
    ticket = _page(logged_in.get(reverse("app:booking", args=[booking.pk])))
    assert "Annulation impossible" in ticket
    assert (
        "La séance commence dans moins de 48 h : la réservation est définitive depuis le 9 mars 2026 à 19h00."
        in ticket
    )
    assert "Annuler la réservation" not in ticket
    assert PAYLOAD.search(ticket)


def test_a_last_minute_booking_is_final_at_once(logged_in, beneficiary, time_machine):
    stock = StockFactory(beginning_datetime=NOW + 5 * H)
    booking = book_offer(beneficiary, stock.pk)
    time_machine.move_to(NOW + dt.timedelta(minutes=1), tick=False)
    assert "Non annulable" in _tab(logged_in, "a-venir")
    ticket = _page(logged_in.get(reverse("app:booking", args=[booking.pk])))
    assert (
        "Réservée moins de 48 h avant la séance : la réservation est définitive depuis le 10 mars 2026 à 13h00."
        in ticket
    )
    assert "Si tu ne peux pas venir, le montant ne sera pas recrédité." in ticket
    assert "Annuler la réservation" not in ticket


def test_a_cinema_card_is_cancellable_while_unused(logged_in, beneficiary):
    booking = book_offer(beneficiary, ThingStockFactory().pk)
    ticket = _page(logged_in.get(reverse("app:booking", args=[booking.pk])))
    assert "Annulable tant qu'elle n'a pas été utilisée." in ticket
    assert "Annuler la réservation" in ticket
    # No date: nothing to put in a calendar.
    assert "Ajouter à mon agenda" not in ticket


def test_the_list_shows_only_my_bookings(logged_in, venue):
    BookingFactory(stock=StockFactory(offer__venue=venue, offer__name="Le film d'un autre"))
    assert "Le film d'un autre" not in _page(logged_in.get(reverse("app:bookings")))


def test_the_list_takes_a_constant_number_of_queries(logged_in, beneficiary, django_assert_max_num_queries):
    for index in range(6):
        BookingFactory(
            user=beneficiary,
            stock=StockFactory(offer=OfferFactory(), beginning_datetime=NOW + (index + 1) * 24 * H),
        )
    # Session, user, bookings with stock, offer and venue, their tickets from the cinemas' systems (and
    # nothing per booking).
    with django_assert_max_num_queries(4):
        page = _page(logged_in.get(reverse("app:bookings")))
    assert len(_cards(page)) == 6


def test_the_upcoming_tab_names_the_tickets_to_keep_offline(logged_in, booking):
    page = _page(logged_in.get(reverse("app:bookings")))
    assert f'data-offline-also="/reservations/{booking.pk}/ "' in page
    assert "data-offline-page" not in _page(logged_in.get(reverse("app:bookings") + "?onglet=passees"))


# --- Cancelling -------------------------------------------------------------------------------------


def test_cancelling_gives_the_credit_back_and_returns_to_the_list(logged_in, beneficiary, booking):
    response = logged_in.post(reverse("app:booking_cancel", args=[booking.pk]), follow=True)
    assert response.redirect_chain == [(reverse("app:bookings") + "?onglet=annulees", 302)]
    page = _page(response)
    assert (
        "Réservation de « Orbite basse » annulée : 15\u00a0€ ont été recrédités sur ton pass Culture." in page
    )
    assert "Annulée par toi" in _panel(page)
    booking.refresh_from_db()
    assert (booking.status, booking.cancellation_reason) == (BookingStatus.CANCELLED, "BENEFICIARY")
    assert balance_of(beneficiary).remaining_cents == 300_00


def test_cancelling_after_the_credit_expired_says_it_cannot_be_spent_again(client, venue, time_machine):
    user = UserFactory()
    # The credit ends on 11 March at midnight in Paris, inside the 48 h to cancel a booking made on the 10th.
    DepositFactory(user=user, granted_at=NOW - 700 * 24 * H, expires_at=utc(2026, 3, 10, 23, 0))
    stock = StockFactory(
        offer__venue=venue, offer__name="Orbite basse", price_cents=7_50, beginning_datetime=NOW + 240 * H
    )
    booking = book_offer(user, stock.pk)
    client.force_login(user)
    detail = _page(client.get(reverse("app:booking", args=[booking.pk])))
    assert "7,50\u00a0€ seront recrédités sur ton pass Culture." in detail

    time_machine.move_to(utc(2026, 3, 11, 9, 0), tick=False)
    detail = _page(client.get(reverse("app:booking", args=[booking.pk])))
    assert "Ton crédit pass Culture a expiré : les 7,50\u00a0€ ne pourront plus être dépensés." in detail
    assert "recrédités" not in detail
    response = client.post(reverse("app:booking_cancel", args=[booking.pk]), follow=True)

    page = _page(response)
    assert (
        "Réservation de « Orbite basse » annulée : ton crédit pass Culture a expiré le 11 mars 2026 : "
        "7,50\u00a0€ ne peuvent plus être dépensés." in page
    )
    assert "recrédités" not in page


def test_cancelling_a_free_booking_says_nothing_about_money(logged_in, beneficiary, venue):
    stock = StockFactory(
        offer__venue=venue, offer__name="Ciné-club", price_cents=0, beginning_datetime=NOW + 240 * H
    )
    booking = book_offer(beneficiary, stock.pk)
    detail = _page(logged_in.get(reverse("app:booking", args=[booking.pk])))
    assert "Séance gratuite : rien n'est débité de ton crédit, rien n'y sera recrédité." in detail

    page = _page(logged_in.post(reverse("app:booking_cancel", args=[booking.pk]), follow=True))

    assert "Réservation de « Ciné-club » annulée." in page
    assert "recrédités" not in page


def test_cancelling_needs_a_post(logged_in, booking):
    assert logged_in.get(reverse("app:booking_cancel", args=[booking.pk])).status_code == 405
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_cancelling_another_beneficiarys_booking_is_404(client, booking):
    intruder = UserFactory()
    DepositFactory(user=intruder)
    client.force_login(intruder)
    assert client.post(reverse("app:booking_cancel", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_cancelling_after_the_limit_says_why(logged_in, beneficiary, booking, time_machine):
    time_machine.move_to(booking.cancellation_limit_datetime + dt.timedelta(seconds=1), tick=False)
    response = logged_in.post(reverse("app:booking_cancel", args=[booking.pk]), follow=True)
    assert response.redirect_chain == [(reverse("app:booking", args=[booking.pk]), 302)]
    page = _page(response)
    assert "Le délai d'annulation de cette réservation est dépassé." in page
    assert "Les 48 h pour changer d'avis sont passées" in page
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CONFIRMED
    assert balance_of(beneficiary).remaining_cents == 285_00


def test_cancelling_twice_says_it_is_already_cancelled(logged_in, booking):
    url = reverse("app:booking_cancel", args=[booking.pk])
    logged_in.post(url)
    page = _page(logged_in.post(url, follow=True))
    assert "Cette réservation a été annulée." in page
