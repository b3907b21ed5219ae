"""The venue page's "Logiciel de billetterie" section: ask for a link, see it, French errors, 404s."""

import pytest
from django.urls import reverse

from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return MembershipFactory()


@pytest.fixture
def venue(member):
    return VenueFactory(offerer=member.offerer, name="Le Voltaire")


@pytest.fixture
def provider():
    return Provider.objects.create(name="Billetterie Ciné+")


@pytest.fixture
def logged(client, member):
    client.force_login(member.user)
    return client


def ask(client, venue, **data):
    return client.post(reverse("pro:venue-ticketing", args=[venue.pk]), data)


def test_the_venue_page_offers_the_active_providers_only(logged, venue, provider):
    Provider.objects.create(name="Logiciel retiré", is_active=False)

    content = logged.get(reverse("pro:venue", args=[venue.pk])).content.decode()

    assert "Logiciel de billetterie" in content and "Billetterie Ciné+" in content
    assert "Logiciel retiré" not in content
    assert "Demander le lien" in content


def test_a_member_asks_and_sees_the_request(logged, venue, provider, member):
    response = ask(logged, venue, provider=provider.pk, venue_id_at_provider="VOL-12")

    assert response.status_code == 302
    link = VenueProviderLink.objects.get()
    assert (link.venue, link.provider, link.status, link.requested_by) == (
        venue,
        provider,
        LinkStatus.REQUESTED,
        member.user,
    )
    content = logged.get(reverse("pro:venue", args=[venue.pk])).content.decode()
    assert "Demande en cours d'examen" in content and "VOL-12" in content
    assert "Demander le lien" not in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"provider": "", "venue_id_at_provider": "X"}, "Ce champ est obligatoire."),
        ({"provider": "999999", "venue_id_at_provider": "X"}, "Choisissez un logiciel de la liste."),
        ({"venue_id_at_provider": ""}, "Ce champ est obligatoire."),
        ({"venue_id_at_provider": "x" * 71}, "70 caractères"),
        ({"venue_id_at_provider": "   "}, "Ce champ est obligatoire."),
    ],
)
def test_bad_input_is_refused_in_french(logged, venue, provider, data, message):
    data = {"provider": provider.pk, **data}
    response = ask(logged, venue, **data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not VenueProviderLink.objects.exists()


def test_a_second_request_is_refused_with_a_message(logged, venue, provider):
    ask(logged, venue, provider=provider.pk, venue_id_at_provider="A")
    VenueProviderLink.objects.update(status=LinkStatus.ACTIVE)

    response = ask(logged, venue, provider=provider.pk, venue_id_at_provider="B")
    assert response.status_code == 400
    assert "déjà relié" in response.content.decode()
    assert VenueProviderLink.objects.count() == 1


def test_another_offerers_venue_is_a_404(logged, provider):
    other = VenueFactory(name="Cinéma d'en face")

    assert logged.get(reverse("pro:venue", args=[other.pk])).status_code == 404
    assert ask(logged, other, provider=provider.pk, venue_id_at_provider="X").status_code == 404
    assert not VenueProviderLink.objects.exists()


def test_a_refused_request_shows_its_reason_and_the_form_again(logged, venue, provider):
    VenueProviderLink.objects.create(
        venue=venue,
        provider=provider,
        venue_id_at_provider="A",
        status=LinkStatus.REFUSED,
        refusal_reason="Identifiant inconnu",
    )

    content = logged.get(reverse("pro:venue", args=[venue.pk])).content.decode()
    assert "Identifiant inconnu" in content and "Demander le lien" in content


# --- Health and the selling switch (decision 0029) -------------------------------------------------


@pytest.fixture
def active_link(venue, provider):
    return VenueProviderLink.objects.create(
        venue=venue, provider=provider, venue_id_at_provider="VOL-12", status=LinkStatus.ACTIVE
    )


def test_an_active_link_shows_its_health_and_the_switch(logged, venue, active_link):
    VenueProviderLink.objects.filter(pk=active_link.pk).update(error_count=2, last_error="réponse HTTP 500")

    content = logged.get(reverse("pro:venue", args=[venue.pk])).content.decode()

    assert "Billetterie Ciné+" in content and "Aucun appel pour" in content
    assert "réponse HTTP 500" in content and 'id="venue-ticketing-errors-count"' in content
    assert "Suspendre la vente par le logiciel" in content


def test_the_switch_stops_then_resumes_selling(logged, venue, active_link):
    url = reverse("pro:venue-ticketing-selling", args=[venue.pk])

    response = logged.post(url, {"selling": "0"}, follow=True)
    assert not VenueProviderLink.objects.get(pk=active_link.pk).is_selling
    content = response.content.decode()
    assert "Vente suspendue" in content and "Reprendre la vente par le logiciel" in content

    logged.post(url, {"selling": "1"})
    assert VenueProviderLink.objects.get(pk=active_link.pk).is_selling


def test_the_switch_needs_an_active_link(logged, venue):
    response = logged.post(
        reverse("pro:venue-ticketing-selling", args=[venue.pk]), {"selling": "0"}, follow=True
    )
    assert "pas de lien actif" in response.content.decode()


def test_the_switch_of_another_offerer_s_venue_is_a_404(logged, provider):
    other = VenueFactory()
    VenueProviderLink.objects.create(
        venue=other, provider=provider, venue_id_at_provider="X", status="active"
    )
    response = logged.post(reverse("pro:venue-ticketing-selling", args=[other.pk]), {"selling": "0"})
    assert response.status_code == 404
    assert VenueProviderLink.objects.get(venue=other).is_selling
