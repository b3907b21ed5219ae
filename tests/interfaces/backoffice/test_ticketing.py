"""Back office of ticketing providers: the providers' admin, keys shown once, the link request queue."""

import pytest
from django.urls import reverse

from passculture.core.common.models import AuditLog
from passculture.core.offerers.factories import VenueFactory
from passculture.core.providers.ticketing import keys
from passculture.core.providers.ticketing.models import (
    LinkStatus,
    Provider,
    ProviderApiKey,
    VenueProviderLink,
)
from passculture.core.users.factories import ProFactory, StaffFactory

pytestmark = pytest.mark.django_db
IP = "203.0.113.7"


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def provider(db):
    return Provider.objects.create(name="Billetterie Ciné+")


@pytest.fixture
def link(provider):
    return VenueProviderLink.objects.create(
        venue=VenueFactory(name="Ciné Bellecour"), provider=provider, venue_id_at_provider="BEL-7"
    )


def test_staff_add_a_provider_with_https_urls_only(staff_client):
    url = reverse("admin:ticketing_provider_add")
    data = {"name": "Billetterie X", "is_active": "on", "booking_url": "http://x.example.com/r"}

    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "https://" in response.content.decode()
    assert not Provider.objects.exists()

    response = staff_client.post(url, {**data, "booking_url": "https://x.example.com/r"})
    assert response.status_code == 302
    assert Provider.objects.get().booking_url == "https://x.example.com/r"


def test_a_key_is_shown_once_then_works_and_is_revoked(staff_client, provider):
    url = reverse("backoffice:provider-keys", args=[provider.pk])

    response = staff_client.post(url, {"label": "Production"})
    clear = response.context["created"].clear_key
    assert clear in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert clear not in staff_client.get(url).content.decode()
    assert keys.authenticate_provider_key(clear, ip=IP) == provider

    key = ProviderApiKey.objects.get()
    revoke = reverse("backoffice:provider-key-revoke", args=[provider.pk, key.pk])
    assert staff_client.post(revoke).status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    other = Provider.objects.create(name="Autre")
    assert (
        staff_client.post(reverse("backoffice:provider-key-revoke", args=[other.pk, key.pk])).status_code
        == 404
    )


def test_the_queue_activates_or_refuses_a_request(staff_client, link, provider):
    content = staff_client.get(reverse("backoffice:ticketing-links")).content.decode()
    assert "Ciné Bellecour" in content and "BEL-7" in content and "Billetterie Ciné+" in content

    refused = staff_client.post(reverse("backoffice:ticketing-link-refuse", args=[link.pk]), {"reason": ""})
    assert refused.status_code == 302
    link.refresh_from_db()
    assert link.status == LinkStatus.REQUESTED  # no reason: refused with a French message, nothing changed

    staff_client.post(reverse("backoffice:ticketing-link-activate", args=[link.pk]))
    link.refresh_from_db()
    assert link.status == LinkStatus.ACTIVE
    assert AuditLog.objects.filter(action="ticketing_link.activated").exists()
    assert (
        "Aucune demande en attente"
        in staff_client.get(reverse("backoffice:ticketing-links")).content.decode()
    )


def test_non_staff_are_sent_to_the_login_page(client, link, provider):
    client.force_login(ProFactory())
    for url in (
        reverse("backoffice:ticketing-links"),
        reverse("backoffice:provider-keys", args=[provider.pk]),
    ):
        assert client.get(url).status_code == 302
    for url in (
        reverse("backoffice:ticketing-link-activate", args=[link.pk]),
        reverse("backoffice:ticketing-link-refuse", args=[link.pk]),
        reverse("backoffice:provider-keys", args=[provider.pk]),
    ):
        assert client.post(url, {"reason": "non", "label": "x"}).status_code == 302
    link.refresh_from_db()
    assert link.status == LinkStatus.REQUESTED
    assert not ProviderApiKey.objects.exists()


def test_staff_stop_active_links_from_the_links_list(staff_client, link):
    VenueProviderLink.objects.filter(pk=link.pk).update(status=LinkStatus.ACTIVE)
    url = reverse("admin:ticketing_venueproviderlink_changelist")

    response = staff_client.post(url, {"action": "stop_selected", "_selected_action": [link.pk]})

    assert response.status_code == 302
    link.refresh_from_db()
    assert (link.status, link.is_selling) == (LinkStatus.STOPPED, False)
    assert AuditLog.objects.filter(action="ticketing_link.stopped").exists()


# --- Webhooks: signing secret, health, selling switch, venue URLs (decision 0029) -------------------


def test_staff_make_the_signing_secret_shown_once(client, db):
    from passculture.core.providers.ticketing.signing import provider_secret
    from passculture.core.users.factories import StaffFactory

    staff = StaffFactory()
    client.force_login(staff)
    provider = Provider.objects.create(name="Billetterie S")
    url = reverse("backoffice:provider-keys", args=[provider.pk])

    assert "Aucun secret" in client.get(url).content.decode()
    content = client.post(url, {"action": "rotate_secret"}).content.decode()

    provider.refresh_from_db()
    assert provider.signing_key_version == 1
    assert provider_secret(provider.pk, 1) in content
    assert provider_secret(provider.pk, 1) not in client.get(url).content.decode()


def test_staff_see_the_health_and_suspend_selling(client, db):
    from passculture.core.offerers.factories import VenueFactory
    from passculture.core.users.factories import StaffFactory

    client.force_login(StaffFactory())
    provider = Provider.objects.create(name="Billetterie H")
    link = VenueProviderLink.objects.create(
        venue=VenueFactory(), provider=provider, venue_id_at_provider="H-1", status=LinkStatus.ACTIVE
    )
    VenueProviderLink.objects.filter(pk=link.pk).update(error_count=3, last_error="délai dépassé (5 s)")
    change = reverse("admin:ticketing_venueproviderlink_change", args=[link.pk])
    assert "délai dépassé (5 s)" in client.get(change).content.decode()

    client.post(
        reverse("admin:ticketing_venueproviderlink_changelist"),
        {"action": "suspend_selling", "_selected_action": [link.pk]},
    )
    assert not VenueProviderLink.objects.get(pk=link.pk).is_selling


def test_staff_set_a_venue_url_https_only(client, db, settings):
    from passculture.core.offerers.factories import VenueFactory
    from passculture.core.users.factories import StaffFactory

    settings.TICKETING_ALLOW_HTTP_LOOPBACK = False
    client.force_login(StaffFactory())
    provider = Provider.objects.create(name="Billetterie U")
    link = VenueProviderLink.objects.create(
        venue=VenueFactory(), provider=provider, venue_id_at_provider="U-1", status=LinkStatus.ACTIVE
    )
    change = reverse("admin:ticketing_venueproviderlink_change", args=[link.pk])

    refused = client.post(
        change, {"booking_url": "http://cinema.example/book", "cancel_url": "", "notification_url": ""}
    )
    assert refused.status_code == 200 and "https://" in refused.content.decode()
    client.post(
        change, {"booking_url": "https://cinema.example/book", "cancel_url": "", "notification_url": ""}
    )
    assert VenueProviderLink.objects.get(pk=link.pk).booking_url == "https://cinema.example/book"
