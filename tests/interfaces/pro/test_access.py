import pytest
from django.urls import reverse

from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.users.factories import ProFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_pro_pages_require_login(client):
    response = client.get(reverse("pro:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pro:login"))


def test_beneficiaries_cannot_enter_the_pro_portal(client):
    client.force_login(UserFactory())
    response = client.get(reverse("pro:dashboard"))
    assert response.status_code == 302


def test_dashboard_shows_the_current_offerer(client, pro, venue):
    client.force_login(pro)
    response = client.get(reverse("pro:dashboard"))
    assert response.status_code == 200
    assert venue.offerer.name in response.content.decode()


def test_a_pro_can_switch_only_to_their_own_offerers(client):
    pro = ProFactory()
    mine = [MembershipFactory(user=pro).offerer for _ in range(2)]
    other = OffererFactory()
    client.force_login(pro)
    assert client.post(reverse("pro:switch-offerer", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("pro:switch-offerer", args=[mine[1].pk]), {"next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:dashboard")
    assert mine[1].name in client.get(reverse("pro:dashboard")).content.decode()
