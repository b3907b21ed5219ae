"""The pro dashboard and venue page alert: booked showtimes that vanished from Allociné, "Garder"."""

import pytest
from django.urls import reverse

from passculture.core.common.models import AuditLog
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.providers.allocine.models import AllocineVanishedShowtime
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 12, 1, 12, 0)
DASHBOARD = reverse("pro:dashboard")


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def logged_in(client, pro):
    client.force_login(pro)
    return client


SHOWTIME = utc(2026, 12, 5, 19, 30)


def _vanished(venue, *, name="La Longue Nuit", start=SHOWTIME, booked=3, **alert_fields):
    stock = StockFactory(
        offer__venue=venue,
        offer__name=name,
        beginning_datetime=start,
        booked_quantity=booked,
        version="VO",
        provider_ref=f"allocine:X:{start.isoformat()}:VO",
    )
    return AllocineVanishedShowtime.objects.create(
        venue=venue, stock=stock, detected_at=utc(2026, 12, 1, 3, 0), **alert_fields
    )


def _keep_url(alert) -> str:
    return reverse("pro:allocine-vanished-keep", args=[alert.pk])


def test_the_dashboard_lists_the_vanished_booked_showtime_in_the_venues_timezone(logged_in, venue):
    venue.timezone = "Indian/Reunion"
    venue.save()
    alert = _vanished(venue)

    html = logged_in.get(DASHBOARD).content.decode()

    assert 'id="allocine-vanished-showtimes"' in html
    assert "La Longue Nuit" in html
    assert venue.display_name in html
    assert "samedi 5 décembre 2026 à 23h30" in html  # 19:30 UTC is 23:30 in La Réunion
    assert "3 places réservées" in html
    assert reverse("pro:stock-delete", args=[alert.stock.offer_id, alert.stock_id]) in html
    assert _keep_url(alert) in html


def test_the_dashboard_shows_no_alert_of_another_offerer(logged_in, venue):
    _vanished(VenueFactory(), name="Le Film des Autres")
    html = logged_in.get(DASHBOARD).content.decode()
    assert 'id="allocine-vanished-showtimes"' not in html
    assert "Le Film des Autres" not in html


@pytest.mark.parametrize(
    "state",
    [
        {"acknowledged_at": NOW},
        {"resolved_at": NOW},
        {"booked": 0},
        {"start": utc(2026, 12, 1, 11, 0)},  # already started
    ],
)
def test_kept_resolved_empty_or_past_showtimes_leave_the_dashboard(logged_in, venue, state):
    _vanished(venue, **state)
    assert 'id="allocine-vanished-showtimes"' not in logged_in.get(DASHBOARD).content.decode()


def test_a_deleted_showtime_leaves_the_dashboard(logged_in, venue):
    alert = _vanished(venue)
    alert.stock.is_deleted = True
    alert.stock.save()
    assert 'id="allocine-vanished-showtimes"' not in logged_in.get(DASHBOARD).content.decode()


def test_the_venue_page_shows_its_own_alerts(logged_in, venue):
    alert = _vanished(venue)
    _vanished(VenueFactory(offerer=venue.offerer), name="Autre Salle")

    html = logged_in.get(reverse("pro:venue", args=[venue.pk])).content.decode()

    assert _keep_url(alert) in html
    assert "Autre Salle" not in html


def test_keeping_the_showtime_closes_the_alert_and_returns_to_the_page(logged_in, pro, venue):
    alert = _vanished(venue)
    venue_url = reverse("pro:venue", args=[venue.pk])

    response = logged_in.post(_keep_url(alert), {"next": venue_url})

    assert (response.status_code, response["Location"]) == (302, venue_url)
    alert.refresh_from_db()
    assert (alert.acknowledged_at, alert.acknowledged_by) == (NOW, pro)
    assert AuditLog.objects.filter(action="allocine.vanished_showtime_kept", actor=pro).count() == 1
    html = logged_in.get(DASHBOARD).content.decode()
    assert 'id="allocine-vanished-showtimes"' not in html
    assert "Séance gardée" in html
    alert.stock.refresh_from_db()
    assert alert.stock.is_deleted is False


def test_keeping_another_offerers_showtime_is_not_found(logged_in):
    alert = _vanished(VenueFactory())

    response = logged_in.post(_keep_url(alert))

    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None
    assert not AuditLog.objects.filter(action="allocine.vanished_showtime_kept").exists()


def test_keeping_an_unknown_or_resolved_alert_is_not_found(logged_in, venue):
    resolved = _vanished(venue, resolved_at=NOW)
    assert logged_in.post(_keep_url(resolved)).status_code == 404
    assert logged_in.post(reverse("pro:allocine-vanished-keep", args=[999_999])).status_code == 404


def test_keeping_needs_a_post(logged_in, venue):
    assert logged_in.get(_keep_url(_vanished(venue))).status_code == 405


def test_keeping_never_redirects_off_site(logged_in, venue):
    response = logged_in.post(_keep_url(_vanished(venue)), {"next": "https://evil.example/"})
    assert response["Location"] == DASHBOARD


def test_keeping_is_csrf_protected(venue):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(MembershipFactory(offerer=venue.offerer).user)
    alert = _vanished(venue)
    assert csrf_client.post(_keep_url(alert)).status_code == 403
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_a_visitor_is_sent_to_login(client, venue):
    response = client.post(_keep_url(_vanished(venue)))
    assert response.status_code == 302
    assert reverse("pro:login") in response["Location"]


def test_a_showtime_vanished_from_a_ticketing_push_is_not_called_allocine(logged_in, venue):
    stock = StockFactory(
        offer__venue=venue,
        beginning_datetime=SHOWTIME,
        booked_quantity=2,
        id_at_provider="S1",
        provider_ref="",
    )
    AllocineVanishedShowtime.objects.create(venue=venue, stock=stock, detected_at=utc(2026, 12, 1, 3, 0))

    html = logged_in.get(DASHBOARD).content.decode()

    assert "absentes du programme importé (AlloCiné ou logiciel de billetterie)" in html
    assert "programme AlloCiné" not in html
