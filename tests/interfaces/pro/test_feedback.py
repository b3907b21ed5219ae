""" "Tu as aimé ?" in the pro portal: the offer page and the venue page count the answers of the
structure's own bookings only, with the split from the threshold; another structure sees nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.feedback import MIN_ANSWERS_SHOWN, give_feedback
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def pro_client(client, pro):
    client.force_login(pro)
    return client


def answers(offer, likes: int, dislikes: int = 0) -> None:
    start = NOW - dt.timedelta(days=2)
    for index in range(likes + dislikes):
        booking = BookingFactory(
            user=UserFactory(), stock=StockFactory(offer=offer, beginning_datetime=start)
        )
        booking.mark_as_used(start)
        booking.save()
        give_feedback(booking.user, booking.pk, index < likes)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode().replace("&#x27;", "'")


def test_the_offer_page_shows_the_split_from_the_threshold(pro_client, venue):
    offer = OfferFactory(venue=venue, name="Orbite basse")
    answers(offer, 7, 2)
    page = text(pro_client.get(reverse("pro:offer-detail", args=[offer.pk])))
    assert "Avis des spectateurs" in page
    assert f"9 avis : le résultat s'affiche à partir de {MIN_ANSWERS_SHOWN} avis." in page
    assert "ont aimé</strong>" not in page
    answers(offer, 1)
    page = text(pro_client.get(reverse("pro:offer-detail", args=[offer.pk])))
    assert "<strong>80 % ont aimé</strong> (10 avis : 8 « aimé », 2 « pas aimé »)" in page


def test_an_offer_without_answers_says_so(pro_client, venue):
    offer = OfferFactory(venue=venue)
    assert "Aucun avis pour l'instant." in text(pro_client.get(reverse("pro:offer-detail", args=[offer.pk])))


def test_the_venue_page_sums_its_offers_and_lists_the_most_answered(pro_client, venue):
    busy = OfferFactory(venue=venue, name="Foule")
    quiet = OfferFactory(venue=venue, name="Calme plat")
    answers(busy, 9, 3)
    answers(quiet, 2)
    answers(OfferFactory(name="Ailleurs"), 5)  # another structure's venue
    page = text(pro_client.get(reverse("pro:venue", args=[venue.pk])))
    assert "Pour l'ensemble de vos offres dans ce lieu : <strong>79 % ont aimé</strong> (14 avis" in page
    assert page.index(f'data-offer-feedback="{busy.pk}"') < page.index(f'data-offer-feedback="{quiet.pk}"')
    assert "Ailleurs" not in page


def test_the_venue_page_counts_in_one_query_whatever_the_number_of_offers(
    pro_client, venue, django_assert_max_num_queries
):
    answers(OfferFactory(venue=venue), 2)
    url = reverse("pro:venue", args=[venue.pk])
    with django_assert_max_num_queries(60) as before:
        text(pro_client.get(url))
    for _ in range(4):
        answers(OfferFactory(venue=venue), 2, 1)
    with django_assert_max_num_queries(len(before.captured_queries)):
        text(pro_client.get(url))
    assert sum("bookings_bookingfeedback" in q["sql"] for q in before.captured_queries) == 1


def test_another_structures_pro_gets_404_on_the_offer_and_the_venue(client, venue):
    offer = OfferFactory(venue=venue)
    answers(offer, MIN_ANSWERS_SHOWN)
    stranger = ProFactory()
    MembershipFactory(user=stranger, offerer=VenueFactory().offerer)
    client.force_login(stranger)
    assert client.get(reverse("pro:offer-detail", args=[offer.pk])).status_code == 404
    assert client.get(reverse("pro:venue", args=[venue.pk])).status_code == 404


def test_another_structures_venue_page_counts_none_of_this_one(client, venue):
    answers(OfferFactory(venue=venue), MIN_ANSWERS_SHOWN)
    other = VenueFactory()
    stranger = ProFactory()
    MembershipFactory(user=stranger, offerer=other.offerer)
    client.force_login(stranger)
    page = text(client.get(reverse("pro:venue", args=[other.pk])))
    assert "Pour l'ensemble de vos offres dans ce lieu : Aucun avis pour l'instant." in page
