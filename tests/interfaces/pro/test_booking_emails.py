"""The venue's "E-mails de réservation" page: its own address, one email per booking or a daily digest,
French errors, and another structure's pro refused with a 404 (decision 0035)."""

import pytest
from django.urls import reverse

from passculture.core.offerers.constants import BookingNotification
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offerers.models import Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory()


@pytest.fixture
def venue(member):
    return VenueFactory(offerer=member.offerer, name="Le Voltaire", booking_email="caisse@voltaire.fr")


@pytest.fixture
def logged(client, member):
    client.force_login(member.user)
    return client


def url(venue):
    return reverse("pro:venue-booking-emails", args=[venue.pk])


def test_the_page_shows_the_venue_address_and_both_choices(logged, venue):
    response = logged.get(url(venue))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="caisse@voltaire.fr"' in content
    assert "Un e-mail par réservation" in content and "Un récapitulatif quotidien" in content
    assert 'value="EACH" checked' in content
    assert "Enregistrer" in content


def test_the_venue_page_links_to_it_and_says_what_is_chosen(logged, venue):
    Venue.objects.filter(pk=venue.pk).update(booking_notification=BookingNotification.DIGEST)
    content = logged.get(reverse("pro:venue", args=[venue.pk])).content.decode()
    assert url(venue) in content
    assert "Un récapitulatif quotidien, chaque matin" in content


def test_the_venue_page_says_when_no_email_is_sent(logged, member):
    venue = VenueFactory(offerer=member.offerer, booking_email="")
    content = logged.get(reverse("pro:venue", args=[venue.pk])).content.decode()
    assert "Aucune adresse : ce lieu ne reçoit aucun e-mail de réservation" in content


def test_a_pro_chooses_the_digest_for_one_venue(logged, venue, member):
    other = VenueFactory(offerer=member.offerer, booking_email="caisse@autre.fr")
    response = logged.post(
        url(venue), {"booking_email": "recap@voltaire.fr", "booking_notification": "DIGEST"}
    )
    assert response.status_code == 302 and response.url == reverse("pro:venue", args=[venue.pk])
    venue.refresh_from_db()
    other.refresh_from_db()
    assert (venue.booking_email, venue.booking_notification) == ("recap@voltaire.fr", "DIGEST")
    assert other.booking_notification == "EACH"
    page = logged.get(response.url).content.decode()
    assert "e-mails de réservation sont enregistrés." in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"booking_email": "pas-une-adresse", "booking_notification": "EACH"}, "est invalide"),
        ({"booking_email": "a" * 250 + "@b.fr", "booking_notification": "EACH"}, "254 caractères au plus"),
        ({"booking_email": "", "booking_notification": "DIGEST"}, "indiquez-en une"),
        ({"booking_email": "caisse@voltaire.fr", "booking_notification": "WEEKLY"}, "Choisissez un e-mail"),
        ({"booking_email": "caisse@voltaire.fr"}, "Choisissez un e-mail"),
    ],
)
def test_bad_input_is_refused_in_french(logged, venue, data, message):
    response = logged.post(url(venue), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    venue.refresh_from_db()
    assert (venue.booking_email, venue.booking_notification) == ("caisse@voltaire.fr", "EACH")


def test_another_structure_pro_gets_404_on_get_and_post(client, venue):
    stranger = MembershipFactory()
    client.force_login(stranger.user)
    assert client.get(url(venue)).status_code == 404
    response = client.post(
        url(venue), {"booking_email": "pirate@example.com", "booking_notification": "DIGEST"}
    )
    assert response.status_code == 404
    venue.refresh_from_db()
    assert (venue.booking_email, venue.booking_notification) == ("caisse@voltaire.fr", "EACH")


def test_anonymous_people_are_sent_to_the_login_page(client, venue):
    response = client.get(url(venue))
    assert response.status_code == 302 and reverse("pro:login") in response.url


def test_the_venue_edit_form_refuses_an_overlong_address_in_french(logged, venue):
    response = logged.post(reverse("pro:venue-edit", args=[venue.pk]), {"booking_email": "a" * 300})
    assert response.status_code == 200
    assert "254 caractères au plus" in response.content.decode()
