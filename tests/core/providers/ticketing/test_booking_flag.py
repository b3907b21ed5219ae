"""The booking reads whether the stock's venue has an active ticketing link in the same statement as the
stock, and asks the ticketing hook only then (decision 0040). Nothing is cached: a link activated or
stopped between two bookings is seen by the next one."""

import pytest

from passculture.core.bookings import hooks
from passculture.core.bookings.services import book_offer
from passculture.core.common.exceptions import DomainError
from passculture.core.offers.factories import StockFactory
from passculture.core.providers.ticketing import external_bookings
from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def link_reads(monkeypatch):
    """The stocks whose ticketing link the hook looked up."""
    asked: list[int] = []
    real = external_bookings.selling_link_of_stock

    def spy(stock_id):
        asked.append(stock_id)
        return real(stock_id)

    monkeypatch.setattr(external_bookings, "selling_link_of_stock", spy)
    return asked


def _link(venue, status):
    # No booking URL: the hook looks it up, then lets the booking happen here.
    provider = Provider.objects.create(name="Billetterie sans URL", signing_key_version=1)
    return VenueProviderLink.objects.create(
        venue=venue, provider=provider, venue_id_at_provider="CINE-9", status=status
    )


def test_a_venue_without_an_active_link_is_booked_without_asking_the_hook(beneficiary, link_reads):
    stock = StockFactory()
    _link(stock.offer.venue, LinkStatus.REQUESTED)

    book_offer(beneficiary, stock.pk)

    assert link_reads == []


def test_a_link_activated_between_two_bookings_is_seen_by_the_next(beneficiary, link_reads):
    first = StockFactory()
    venue = first.offer.venue
    second = StockFactory(offer__venue=venue)
    link = _link(venue, LinkStatus.REQUESTED)
    book_offer(beneficiary, first.pk)
    assert link_reads == []

    VenueProviderLink.objects.filter(pk=link.pk).update(status=LinkStatus.ACTIVE)
    book_offer(beneficiary, second.pk)  # no booking URL: the hook lets it be booked here

    assert link_reads == [second.pk]


def test_an_unknown_stock_asks_no_hook_and_is_not_found(beneficiary, link_reads):
    with pytest.raises(DomainError) as refusal:
        book_offer(beneficiary, 987_654)

    assert refusal.value.code == "STOCK_NOT_FOUND"
    assert link_reads == []


def test_a_booker_registered_later_gets_its_flag_read(beneficiary, monkeypatch):
    """The stock read's statement is built for the bookers registered when it runs."""
    calls: list[int] = []

    def booker(user, stock_id, quantity, *, at):
        calls.append(stock_id)
        return None

    def only_venue(connection, venue_id_column):
        return f"{venue_id_column} = %s", [wanted.offer.venue_id]

    wanted, other = StockFactory(), StockFactory()
    monkeypatch.setattr(hooks, "_external_bookers", [*hooks._external_bookers])
    hooks.register_external_booker(booker, venue_sql=only_venue)

    book_offer(beneficiary, other.pk)
    book_offer(beneficiary, wanted.pk)

    assert calls == [wanted.pk]
