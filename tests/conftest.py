import datetime as dt

import pytest
from django.db import connection

from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory, UserFactory

pytest_plugins = ["tests.browser"]


def pytest_collection_modifyitems(config, items):
    from django.conf import settings

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
