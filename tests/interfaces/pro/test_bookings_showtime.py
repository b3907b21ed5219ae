"""The bookings of one showtime: who is coming, seats booked out of the total; another offerer's is a 404."""

import pytest
from django.urls import reverse

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.offerers.factories import MembershipFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db


def url(stock) -> str:
    return reverse("pro:showtime-bookings", args=[stock.pk])


@pytest.fixture
def showtime(venue):
    stock = StockFactory(
        offer__venue=venue,
        offer__name="Orbite basse",
        quantity=80,
        beginning_datetime=utc(2026, 3, 14, 19, 30),
    )
    BookingFactory(
        stock=stock, token="ABC234", quantity=2, user=UserFactory(first_name="Léa", last_name="Durand")
    )
    BookingFactory(
        stock=stock,
        token="CAN234",
        status=BookingStatus.CANCELLED,
        cancelled_at=utc(2026, 3, 12),
        cancellation_reason="BENEFICIARY",
        user=UserFactory(first_name="Hugo", last_name="Morel"),
    )
    return stock


def test_the_showtime_page_lists_who_is_coming(client, pro, showtime, venue):
    client.force_login(pro)
    response = client.get(url(showtime))
    assert response.status_code == 200
    html = " ".join(response.content.decode().split())
    assert "<h1>Orbite basse</h1>" in html
    assert "samedi 14 mars 2026 à 20h30" in html
    assert venue.display_name in html
    assert "<strong>Places réservées :</strong> 2 sur 80" in html
    assert "1 réservation en cours" in html
    tokens = [b.token for b in response.context["bookings"]]
    assert tokens == ["ABC234", "CAN234"]  # the cancelled one last
    assert "Léa Durand" in html and "Annulée" in html
    assert "data-print hidden>Imprimer la liste</button>" in html


def test_the_showtime_page_of_another_offerer_is_a_404(client, showtime):
    stranger = ProFactory()
    MembershipFactory(user=stranger)
    client.force_login(stranger)
    assert client.get(url(showtime)).status_code == 404


def test_an_unknown_showtime_is_a_404(client, pro):
    client.force_login(pro)
    assert client.get(reverse("pro:showtime-bookings", args=[999999])).status_code == 404


def test_the_showtime_page_requires_a_pro(client, showtime):
    assert client.get(url(showtime)).status_code == 302
    client.force_login(UserFactory())
    assert client.get(url(showtime)).status_code == 302


def test_the_offer_page_links_each_booked_showtime_to_its_bookings(client, pro, showtime):
    showtime.booked_quantity = 2
    showtime.save(update_fields=["booked_quantity"])
    client.force_login(pro)
    page = reverse("pro:offer-detail", args=[showtime.offer_id])
    html = client.get(page, {"periode": "passees"}).content.decode()
    assert f'href="{url(showtime)}">2<span class="fr-sr-only"> : voir qui vient le' in html
