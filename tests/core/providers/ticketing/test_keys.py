"""Keys of ticketing providers: format, hashing, staff only, authentication, failure limit, audit."""

import hashlib
import re

import pytest

from passculture.core.common.models import AuditLog
from passculture.core.providers.ticketing import keys
from passculture.core.providers.ticketing.models import Provider, ProviderApiKey
from passculture.core.users.factories import ProFactory, StaffFactory
from tests.conftest import utc
from tests.helpers import error_code

pytestmark = pytest.mark.django_db
IP = "203.0.113.9"


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def provider(db):
    return Provider.objects.create(name="Billetterie A")


def test_a_key_is_shown_once_and_only_its_hash_is_stored(provider, staff, settings):
    settings.ENVIRONMENT = "development"

    created = keys.create_provider_key(provider.pk, actor=staff, label="Caisse")

    assert re.fullmatch(r"dev_[0-9a-f]{12}_[0-9a-f]{64}", created.clear_key)
    secret = created.clear_key.split("_")[2]
    row = ProviderApiKey.objects.filter(pk=created.key.pk).values().get()
    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) for value in row.values())
    audit = AuditLog.objects.get(action="provider_key.created")
    assert audit.actor == staff and secret not in str(audit.data)


def test_only_staff_create_or_revoke_keys(provider, staff):
    assert error_code(keys.create_provider_key, provider.pk, actor=ProFactory()) == "FORBIDDEN"
    assert error_code(keys.create_provider_key, provider.pk, actor=None) == "FORBIDDEN"
    created = keys.create_provider_key(provider.pk, actor=staff)
    assert error_code(keys.revoke_provider_key, created.key.pk, actor=ProFactory()) == "FORBIDDEN"


def test_a_key_authenticates_its_provider_and_records_its_use(provider, staff, time_machine):
    time_machine.move_to(utc(2026, 3, 10, 12, 0), tick=False)
    created = keys.create_provider_key(provider.pk, actor=staff)

    assert keys.authenticate_provider_key(created.clear_key.upper(), ip=IP) == provider
    created.key.refresh_from_db()
    assert created.key.last_used_at == utc(2026, 3, 10, 12, 0)


@pytest.mark.parametrize(
    "mangle",
    [lambda k: k[:-1] + ("0" if k[-1] != "0" else "1"), lambda k: "", lambda k: "nope", lambda k: k + "0"],
)
def test_a_wrong_key_is_refused_and_logged_without_its_secret(provider, staff, mangle):
    clear = keys.create_provider_key(provider.pk, actor=staff).clear_key

    assert error_code(keys.authenticate_provider_key, mangle(clear), ip=IP) == "INVALID_API_KEY"
    refused = AuditLog.objects.get(action="provider_key.refused")
    assert refused.actor_label == IP and refused.data["code"] == "INVALID_API_KEY"
    assert clear.split("_")[2] not in str(refused.data)


def test_a_revoked_key_or_a_deactivated_provider_is_refused(provider, staff):
    first = keys.create_provider_key(provider.pk, actor=staff)
    second = keys.create_provider_key(provider.pk, actor=staff)

    keys.revoke_provider_key(first.key.pk, actor=staff)
    assert AuditLog.objects.filter(action="provider_key.revoked").count() == 1
    assert error_code(keys.authenticate_provider_key, first.clear_key, ip=IP) == "API_KEY_REVOKED"

    Provider.objects.filter(pk=provider.pk).update(is_active=False)
    assert error_code(keys.authenticate_provider_key, second.clear_key, ip=IP) == "API_KEY_REVOKED"


def test_a_key_of_another_environment_is_refused(provider, staff, settings):
    settings.ENVIRONMENT = "staging"
    clear = keys.create_provider_key(provider.pk, actor=staff).clear_key
    settings.ENVIRONMENT = "production"

    assert error_code(keys.authenticate_provider_key, clear, ip=IP) == "INVALID_API_KEY"


def test_failures_are_limited_per_address_and_successes_are_not_counted(provider, staff):
    clear = keys.create_provider_key(provider.pk, actor=staff).clear_key
    for _ in range(20):  # successes give their slot back
        keys.authenticate_provider_key(clear, ip=IP)
    for _ in range(keys.AUTH_FAILURES_PER_IP.limit):
        assert error_code(keys.authenticate_provider_key, "bad", ip=IP) == "INVALID_API_KEY"

    # Past the limit even the right key waits; the refusal checks nothing and logs nothing more.
    assert error_code(keys.authenticate_provider_key, clear, ip=IP) == "RATE_LIMITED"
    assert AuditLog.objects.filter(action="provider_key.refused").count() == keys.AUTH_FAILURES_PER_IP.limit
    # Another address is not affected.
    assert keys.authenticate_provider_key(clear, ip="198.51.100.1") == provider
