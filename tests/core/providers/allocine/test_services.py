"""Saving a venue's Allociné settings: the refusals, the audit log, and the requested import."""

import pytest

from passculture.core.common.models import AuditLog
from passculture.core.jobs.schedule import get_job
from passculture.core.offerers.exceptions import OffererAccessDenied
from passculture.core.offerers.factories import VenueFactory
from passculture.core.providers.allocine import services, tasks
from passculture.core.providers.allocine.exceptions import (
    AllocineNotEligible,
    AllocinePriceInvalid,
    AllocineQuantityInvalid,
)
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVenueSettings,
)
from passculture.core.providers.allocine.services import save_allocine_settings, sync_requested_imports
from passculture.core.users.factories import ProFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 12, 1, 12, 0)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def cinema(venue):
    AllocineTheater.objects.create(siret=venue.siret, theater_id="P0645", internal_id="C0645")
    return venue


def save(actor, venue, **overrides):
    values = {"price_cents": 750, "quantity": 100, "is_duo": True, "is_active": True, **overrides}
    return save_allocine_settings(actor, venue, **values)


class FakeSync:
    """Stands for sync_venue: records which venues were imported, without any network."""

    def __init__(self) -> None:
        self.venue_ids: list[int] = []

    def __call__(self, settings_obj, *, client=None, at=None):
        self.venue_ids.append(settings_obj.venue_id)
        return AllocineImportRun.objects.create(
            venue=settings_obj.venue, started_at=NOW, finished_at=NOW, status=AllocineImportRun.Status.OK
        )


@pytest.fixture
def fake_sync(monkeypatch):
    fake = FakeSync()
    monkeypatch.setattr(services, "sync_venue", fake)
    return fake


def test_saving_stores_the_settings_with_the_listed_theatre(pro, cinema):
    settings_obj = save(pro, cinema)
    assert (settings_obj.theater.theater_id, settings_obj.price_cents) == ("P0645", 750)
    assert (settings_obj.quantity, settings_obj.is_duo, settings_obj.is_active) == (100, True, True)


def test_saving_again_edits_the_same_settings(pro, cinema):
    save(pro, cinema)
    save(pro, cinema, price_cents=500, quantity=None)
    settings_obj = AllocineVenueSettings.objects.get()
    assert (settings_obj.price_cents, settings_obj.quantity) == (500, None)


def test_saving_requests_an_import(pro, cinema):
    assert save(pro, cinema).import_requested_at == NOW


def test_a_paused_import_is_not_requested(pro, cinema):
    assert save(pro, cinema, is_active=False).import_requested_at is None


def test_saving_is_audited(pro, cinema):
    settings_obj = save(pro, cinema)
    entry = AuditLog.objects.get(action="allocine.settings_saved")
    assert (entry.actor, entry.target_id) == (pro, str(settings_obj.pk))
    assert entry.data["price_cents"] == 750


def test_a_pro_of_another_offerer_is_refused(cinema):
    with pytest.raises(OffererAccessDenied):
        save(ProFactory(), cinema)
    assert not AllocineVenueSettings.objects.exists()


def test_an_unlisted_venue_is_refused_with_the_eligibility_message(pro, venue):
    with pytest.raises(AllocineNotEligible) as error:
        save(pro, venue)
    assert error.value.code == "ALLOCINE_NOT_ELIGIBLE"
    assert "ne figure pas dans la liste" in error.value.message


def test_a_deactivated_theatre_is_refused(pro, cinema):
    AllocineTheater.objects.update(is_active=False)
    with pytest.raises(AllocineNotEligible):
        save(pro, cinema)


@pytest.mark.parametrize("price_cents", [None, -1])
def test_the_price_is_required_and_not_negative(pro, cinema, price_cents):
    with pytest.raises(AllocinePriceInvalid):
        save(pro, cinema, price_cents=price_cents)


def test_a_free_showtime_is_allowed(pro, cinema):
    assert save(pro, cinema, price_cents=0).price_cents == 0


def test_at_least_one_seat_per_showtime(pro, cinema):
    with pytest.raises(AllocineQuantityInvalid):
        save(pro, cinema, quantity=0)


def test_without_broker_saving_enqueues_nothing(
    pro, cinema, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = ""
    enqueued: list[int] = []
    monkeypatch.setattr(tasks.sync_venue_task, "delay", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        save(pro, cinema)
    assert enqueued == []


def test_with_a_broker_saving_enqueues_the_import_after_commit(
    pro, cinema, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    enqueued: list[int] = []
    monkeypatch.setattr(tasks.sync_venue_task, "delay", enqueued.append)
    with django_capture_on_commit_callbacks(execute=True):
        settings_obj = save(pro, cinema)
    assert enqueued == [settings_obj.pk]


def test_a_dead_broker_leaves_the_request_for_runjobs(
    pro, cinema, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"

    def refuse(settings_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.sync_venue_task, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        save(pro, cinema)
    assert AllocineVenueSettings.objects.get().import_requested_at == NOW


def test_the_job_imports_requested_venues_and_clears_the_request(pro, cinema, fake_sync):
    save(pro, cinema)
    results = get_job("allocine_requested_imports").load()()
    assert fake_sync.venue_ids == [cinema.pk]
    assert results == {"requested": 1, "ok": 1}
    assert AllocineVenueSettings.objects.get().import_requested_at is None


def test_the_job_runs_every_minute():
    assert get_job("allocine_requested_imports").every.total_seconds() == 60


def test_the_job_ignores_venues_without_a_request(pro, cinema, fake_sync):
    save(pro, cinema)
    AllocineVenueSettings.objects.update(import_requested_at=None)
    sync_requested_imports()
    assert fake_sync.venue_ids == []


def test_the_job_skips_a_venue_whose_siret_left_the_list(pro, cinema, fake_sync):
    save(pro, cinema)
    AllocineTheater.objects.update(is_active=False)
    assert sync_requested_imports() == {"requested": 1, "skipped": 1}
    assert fake_sync.venue_ids == []


def test_the_worker_task_imports_once_even_if_delivered_twice(pro, cinema, fake_sync):
    settings_obj = save(pro, cinema)
    assert tasks.sync_venue_task(settings_obj.pk) == "ok"
    assert tasks.sync_venue_task(settings_obj.pk) == "skipped"
    assert fake_sync.venue_ids == [cinema.pk]


def test_a_crashing_import_is_recorded_as_failed(pro, cinema, monkeypatch):
    def crash(settings_obj, *, client=None, at=None):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "sync_venue", crash)
    save(pro, cinema)
    assert sync_requested_imports() == {"requested": 1, "error": 1}
    assert AllocineImportRun.objects.get().status == AllocineImportRun.Status.ERROR


def test_one_failing_venue_does_not_stop_the_others(pro, cinema, monkeypatch):
    other = VenueFactory(offerer=cinema.offerer)
    AllocineTheater.objects.create(siret=other.siret, theater_id="P0001", internal_id="C0001")
    save(pro, cinema)
    save(pro, other)
    imported: list[int] = []

    def flaky(settings_obj, *, client=None, at=None):
        if settings_obj.venue_id == cinema.pk:
            raise RuntimeError("boom")
        imported.append(settings_obj.venue_id)
        return AllocineImportRun.objects.create(venue=settings_obj.venue, started_at=NOW, status="ok")

    monkeypatch.setattr(services, "sync_venue", flaky)
    sync_requested_imports()
    assert imported == [other.pk]
