"""Venue services: create_venue and update_venue (SIRET rules, geocoding, timezone, audit log)."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from passculture.core.common.models import AuditLog
from passculture.core.geo import services as geo_services
from passculture.core.geo.services import CoordinatesSource, GeocodeResult
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offerers.models import Venue
from passculture.core.offerers.services import create_venue, update_venue
from passculture.core.users.factories import ProFactory
from tests.core.geo import ban_payloads
from tests.helpers import error_code

pytestmark = pytest.mark.django_db
SIREN = "732829320"
SIRET = "73282932000074"
OTHER_SIRET = "73282932000082"


@pytest.fixture
def offerer():
    return OffererFactory(siren=SIREN)


@pytest.fixture
def member(offerer):
    return MembershipFactory(offerer=offerer).user


@pytest.fixture
def venue(offerer):
    return VenueFactory(
        offerer=offerer,
        siret=SIRET,
        address="10 boulevard Voltaire",
        postal_code="75011",
        city="Paris",
        latitude=Decimal("48.858000"),
        longitude=Decimal("2.379000"),
    )


def _create(offerer, **fields):
    fields.setdefault("siret", SIRET)
    fields.setdefault("name", "Le Lumière")
    fields.setdefault("address", "10 boulevard Voltaire")
    fields.setdefault("postal_code", "75011")
    fields.setdefault("city", "Paris")
    return create_venue(offerer=offerer, **fields)


def test_a_new_venue_is_placed_by_the_address_api(offerer, httpserver, settings):
    settings.ADRESSE_API_URL = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/search/").respond_with_json(ban_payloads.PARIS_VOLTAIRE)
    venue = _create(offerer)
    assert (venue.latitude, venue.longitude) == (Decimal("48.865284"), Decimal("2.366923"))
    assert venue.coordinates_source == "ban"


def test_a_new_venue_offline_is_placed_at_its_commune_centre(offerer):
    venue = _create(offerer, postal_code="97400", city="Saint-Denis", address="2 rue de Paris")
    assert venue.coordinates_source == "gazetteer"
    assert Decimal("-21.5") < venue.latitude < Decimal("-20.8")


def test_coordinates_typed_by_the_pro_win_over_the_geocoder(offerer):
    venue = _create(offerer, latitude="48,8601", longitude="2,3701")
    assert (venue.latitude, venue.longitude, venue.coordinates_source) == (
        Decimal("48.860100"),
        Decimal("2.370100"),
        "manual",
    )


def test_a_venue_that_cannot_be_placed_is_refused_with_a_request_for_coordinates(offerer):
    assert error_code(_create, offerer, postal_code="75011", city="Lyon") == "ADDRESS_NOT_GEOCODED"


def test_a_new_venue_timezone_follows_its_overseas_department(offerer):
    venue = _create(offerer, postal_code="97400", city="Saint-Denis")
    assert (venue.department_code, venue.timezone) == ("974", "Indian/Reunion")


def test_a_new_venue_keeps_its_accessibility_flags(offerer):
    venue = _create(offerer, motor_disability_accessible=True, audio_disability_accessible=True)
    assert (venue.motor_disability_accessible, venue.audio_disability_accessible) == (True, True)
    assert (venue.visual_disability_accessible, venue.mental_disability_accessible) == (False, False)


def test_a_new_venue_siret_must_start_with_the_offerer_siren(offerer):
    assert error_code(_create, offerer, siret="44306184100047") == "SIRET_NOT_MATCHING_SIREN"


def test_a_new_venue_without_siret_needs_a_reason(offerer):
    assert error_code(_create, offerer, siret="") == "SIRET_OR_REASON_REQUIRED"
    venue = _create(offerer, siret="", no_siret_reason="Salle municipale")
    assert (venue.siret, venue.no_siret_reason) == (None, "Salle municipale")


def test_a_new_venue_needs_a_name(offerer):
    assert error_code(_create, offerer, name="  ") == "VENUE_NAME_REQUIRED"


def test_a_new_venue_booking_email_must_be_an_email(offerer):
    assert error_code(_create, offerer, booking_email="pas-un-email") == "INVALID_BOOKING_EMAIL"


def test_a_pro_creates_venues_only_for_their_own_offerers(offerer):
    assert error_code(_create, offerer, actor=ProFactory()) == "OFFERER_ACCESS_DENIED"


def test_creating_a_venue_is_written_to_the_audit_log(offerer, member):
    venue = _create(offerer, actor=member)
    entry = AuditLog.objects.get(action="venue.created", target_id=str(venue.pk))
    assert entry.actor == member


def test_update_changes_only_the_given_fields_and_logs_them(venue, member):
    update_venue(venue, actor=member, public_name="Le Lumière Voltaire", visual_disability_accessible=True)
    venue.refresh_from_db()
    assert venue.public_name == "Le Lumière Voltaire"
    assert venue.visual_disability_accessible is True
    entry = AuditLog.objects.get(action="venue.updated", target_id=str(venue.pk))
    assert entry.actor == member
    assert entry.data["changed"] == ["public_name", "visual_disability_accessible"]
    assert entry.data["before"]["visual_disability_accessible"] is False
    assert entry.data["after"]["public_name"] == "Le Lumière Voltaire"


def test_an_update_without_change_writes_nothing(venue, member):
    update_venue(
        venue, actor=member, name=venue.name, latitude=str(venue.latitude), longitude=str(venue.longitude)
    )
    assert not AuditLog.objects.filter(action="venue.updated").exists()


def test_a_new_postal_code_recomputes_department_timezone_and_position(venue, member):
    update_venue(venue, actor=member, address="2 rue de Paris", postal_code="97400", city="Saint-Denis")
    venue.refresh_from_db()
    assert (venue.department_code, venue.timezone) == ("974", "Indian/Reunion")
    assert venue.coordinates_source == "gazetteer"
    assert venue.latitude < 0
    entry = AuditLog.objects.get(action="venue.updated")
    assert {"postal_code", "department_code", "timezone", "latitude", "longitude"} <= set(
        entry.data["changed"]
    )


def test_moving_with_the_old_coordinates_sent_back_geocodes_again(venue, member):
    update_venue(
        venue,
        actor=member,
        postal_code="20000",
        city="Ajaccio",
        latitude=str(venue.latitude),
        longitude=str(venue.longitude),
    )
    venue.refresh_from_db()
    assert (venue.department_code, venue.timezone) == ("2A", "Europe/Paris")
    assert Decimal("41.8") < venue.latitude < Decimal("42.0")


def test_corrected_coordinates_are_kept_even_when_the_address_moves(venue, member):
    update_venue(venue, actor=member, address="12 boulevard Voltaire", latitude="48.8649", longitude="2.3671")
    venue.refresh_from_db()
    assert (venue.latitude, venue.longitude, venue.coordinates_source) == (
        Decimal("48.864900"),
        Decimal("2.367100"),
        "manual",
    )


def test_blank_coordinates_place_the_venue_from_its_address_again(venue, member):
    update_venue(venue, actor=member, latitude="", longitude="")
    venue.refresh_from_db()
    assert venue.coordinates_source == "gazetteer"
    assert venue.latitude != Decimal("48.858000")


def test_out_of_range_coordinates_are_refused(venue, member):
    assert (
        error_code(update_venue, venue, actor=member, latitude="95", longitude="2") == "INVALID_COORDINATES"
    )


def test_update_siret_must_start_with_the_offerer_siren(venue, member):
    assert error_code(update_venue, venue, actor=member, siret="44306184100047") == "SIRET_NOT_MATCHING_SIREN"


def test_update_siret_used_by_another_venue_is_refused(venue, member, offerer):
    VenueFactory(offerer=offerer, siret=OTHER_SIRET)
    assert error_code(update_venue, venue, actor=member, siret=OTHER_SIRET) == "SIRET_ALREADY_REGISTERED"


def test_removing_the_siret_needs_a_reason(venue, member):
    assert error_code(update_venue, venue, actor=member, siret="") == "SIRET_OR_REASON_REQUIRED"
    update_venue(venue, actor=member, siret="", no_siret_reason="Cinéma itinérant")
    venue.refresh_from_db()
    assert (venue.siret, venue.no_siret_reason) == (None, "Cinéma itinérant")


def test_giving_a_siret_clears_the_reason(offerer, member):
    venue = _create(offerer, siret="", no_siret_reason="En cours d'immatriculation")
    update_venue(venue, actor=member, siret=SIRET)
    venue.refresh_from_db()
    assert (venue.siret, venue.no_siret_reason) == (SIRET, "")


def test_a_pro_updates_only_venues_of_their_own_offerers(venue):
    assert error_code(update_venue, venue, actor=ProFactory(), name="Piraté") == "OFFERER_ACCESS_DENIED"


def test_update_refuses_fields_that_are_not_editable(venue, member):
    with pytest.raises(TypeError):
        update_venue(venue, actor=member, offerer_id=1)


# --- The address API is called outside any transaction ----------------------------------------------
# On SQLite a write transaction locks the whole database: it must not stay open while the API answers.


def _placed_at(latitude: float, longitude: float) -> GeocodeResult:
    return GeocodeResult(latitude, longitude, CoordinatesSource.BAN, "placé", 0.9)


@pytest.mark.django_db(transaction=True)
def test_a_new_venue_is_geocoded_before_its_transaction_opens(offerer, monkeypatch):
    calls = []

    def geocoder(address, postal_code, city):
        calls.append(connection.in_atomic_block)
        return _placed_at(48.86, 2.37)

    monkeypatch.setattr(geo_services, "geocode_address", geocoder)
    venue = _create(offerer)
    assert calls == [False]
    assert venue.coordinates_source == "ban"


@pytest.mark.django_db(transaction=True)
def test_a_moved_venue_is_geocoded_before_its_transaction_opens(venue, member, monkeypatch):
    calls = []

    def geocoder(address, postal_code, city):
        calls.append(connection.in_atomic_block)
        return _placed_at(48.87, 2.36)

    monkeypatch.setattr(geo_services, "geocode_address", geocoder)
    update_venue(venue, actor=member, address="12 boulevard Voltaire")
    venue.refresh_from_db()
    assert calls == [False]
    assert (venue.address, venue.latitude) == ("12 boulevard Voltaire", Decimal("48.870000"))


def test_a_venue_moved_by_someone_else_while_being_placed_is_placed_again(venue, member, monkeypatch):
    addresses = []

    def geocoder(address, postal_code, city):
        addresses.append(address)
        if len(addresses) == 1:  # another member changes the street meanwhile
            Venue.objects.filter(pk=venue.pk).update(address="1 rue de Lyon")
        return _placed_at(45.76 if address == "1 rue de Lyon" else 48.86, 4.83)

    monkeypatch.setattr(geo_services, "geocode_address", geocoder)
    update_venue(venue, actor=member, postal_code="69001", city="Lyon")
    venue.refresh_from_db()
    assert addresses == ["10 boulevard Voltaire", "1 rue de Lyon"]
    assert (venue.address, venue.postal_code, venue.latitude) == (
        "1 rue de Lyon",
        "69001",
        Decimal("45.760000"),
    )


def test_a_venue_that_keeps_moving_while_being_placed_asks_the_pro_to_save_again(venue, member, monkeypatch):
    calls = []

    def geocoder(address, postal_code, city):
        calls.append(address)
        Venue.objects.filter(pk=venue.pk).update(address=f"{len(calls)} rue de Lyon")
        return _placed_at(45.76, 4.83)

    monkeypatch.setattr(geo_services, "geocode_address", geocoder)
    code = error_code(update_venue, venue, actor=member, postal_code="69001", city="Lyon")
    assert code == "VENUE_CHANGED_CONCURRENTLY"
    assert len(calls) == 3
    venue.refresh_from_db()
    assert venue.postal_code == "75011"
    assert not AuditLog.objects.filter(action="venue.updated").exists()


def _backend_waits_on_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_update_waiting_for_the_venue_lock_keeps_what_the_holder_saved(venue, member):
    ready, finished = threading.Event(), threading.Event()
    state: dict = {}

    def update_as_b() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '20s'")
                cursor.execute("SELECT pg_backend_pid()")
                state["pid"] = cursor.fetchone()[0]
            ready.set()
            update_venue(venue, actor=member, public_name="Le Lumière Voltaire")
            state["done"] = True
        except Exception as exc:  # reported by the assertion below
            state["error"] = exc
        finally:
            finished.set()
            connection.close()

    b = threading.Thread(target=update_as_b, daemon=True, name="connection-B")
    with transaction.atomic():  # connection A: another member is saving the same venue
        Venue.objects.select_for_update().get(pk=venue.pk)
        b.start()
        assert ready.wait(60), "connection B never started"
        for _ in range(600):  # until B waits on the lock (or, wrongly, finishes)
            if finished.is_set() or _backend_waits_on_lock(state["pid"]):
                break
            time.sleep(0.05)
        assert not finished.is_set(), f"B did not wait for the venue lock: {state}"
        Venue.objects.filter(pk=venue.pk).update(booking_email="caisse@lumiere.example.com")
    b.join(60)
    assert state.get("done"), state
    venue.refresh_from_db()
    assert (venue.public_name, venue.booking_email) == ("Le Lumière Voltaire", "caisse@lumiere.example.com")
