import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory, UserFactory

pytest_plugins = ["tests.browser", "tests.api_schema"]


def _restore_seeded_data_after_transactional_tests(items):
    """A transactional test ends with a flush, which erases the rows seeded by migrations (credit
    policies) and re-creates the content types; a later serialized-rollback test then fails to restore
    them (duplicate content types). With serialized rollback on every transactional test, no flush
    re-creates anything and each test starts from the migrated data."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        fixtures = getattr(item, "fixturenames", ())
        transactional = (
            kwargs.get("transaction") or "transactional_db" in fixtures or "live_server" in fixtures
        )
        if transactional and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(*(marker.args if marker else ()), **kwargs), append=False)


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

    _restore_seeded_data_after_transactional_tests(items)
    engine = settings.DATABASES["default"]["ENGINE"]
    if "postgresql" in engine:
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (real row locks and concurrent connections); "
        "run with DATABASE_URL=postgres://..."
    )
    for item in items:
        if "postgres_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # Rate-limit counters are keyed by address (127.0.0.1 for every test client): without this, one
    # test's requests would count against the next. In the database (the default store) each test's
    # rollback, or the flush closing a transactional test, empties them; in Redis (CACHE_URL set) they
    # are deleted here. The cache is cleared too: nothing of a test outlives it.
    from django.core.cache import cache

    from passculture.core.common import counters

    def clear():
        cache.clear()
        store = counters.get_store()
        if not isinstance(store, counters.DatabaseCounterStore):
            store.clear()

    clear()
    yield
    clear()


@pytest.fixture(autouse=True)
def _offline_geocoder(settings):
    # Never the real address API: tests that need it point ADRESSE_API_URL at a local replay server.
    settings.ADRESSE_API_URL = ""


@pytest.fixture(scope="session")
def _identity_documents_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("identity-documents")


@pytest.fixture(autouse=True)
def _private_identity_documents(settings, _identity_documents_dir):
    # Identity document photos are personal data: no test writes them under var/.
    settings.IDENTITY_DOCUMENTS_ROOT = _identity_documents_dir


@pytest.fixture(autouse=True)
def _private_booking_exports(settings, tmp_path_factory):
    # Export files hold personal data: no test writes them under var/.
    settings.BOOKING_EXPORTS_ROOT = tmp_path_factory.mktemp("booking-exports")


@pytest.fixture(autouse=True)
def _no_development_vapid_keys(settings, tmp_path):
    # Web push is off unless a test configures keys: never the developer's var/vapid_keys.json.
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    settings.VAPID_KEY_FILE = tmp_path / "no-vapid-keys.json"


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory):
    """Copies, to the path given, a SQLite file that `passculture migrate` made in a subprocess once for the
    session: the tests that run `passculture` commands on a file of their own (`serve`, `demo --reset`)
    start from it instead of migrating again (several seconds of CPU each time)."""
    var = tmp_path_factory.mktemp("migrated-sqlite")
    template = var / "db.sqlite3"
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    env.update(PASSCULTURE_VAR_DIR=str(var), DATABASE_URL=f"sqlite:///{template}", EMAIL_BACKEND="locmem")
    subprocess.run(
        [sys.executable, "-m", "passculture", "migrate", "--no-input", "-v", "0"],
        env=env,
        check=True,
        timeout=600,
        capture_output=True,
    )
    # The migrating process has closed the file: its write-ahead log is checkpointed into it and removed.
    assert not template.with_name("db.sqlite3-wal").exists()

    def copy_to(destination: Path) -> Path:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, destination)
        return destination

    return copy_to


@pytest.fixture
def beneficiary(db):
    user = UserFactory()
    DepositFactory(user=user)
    return user


@pytest.fixture
def venue(db):
    return VenueFactory()


@pytest.fixture
def pro(db, venue):
    user = ProFactory()
    MembershipFactory(user=user, offerer=venue.offerer)
    return user


@pytest.fixture
def stock(db, venue):
    return StockFactory(offer__venue=venue)


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
