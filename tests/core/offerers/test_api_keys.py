"""API keys of an offerer (ticketing API v2): format, hashing, limit of 5, who manages them, revocation."""

import datetime as dt
import hashlib
import re

import pytest

from passculture.core.common.models import AuditLog
from passculture.core.offerers import api_keys
from passculture.core.offerers.constants import MembershipRole, ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.offerers.models import ApiKey
from passculture.core.users.factories import StaffFactory
from tests.conftest import utc
from tests.helpers import error_code

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture
def admin(db):
    return MembershipFactory(role=MembershipRole.ADMIN).user


@pytest.fixture
def offerer(admin):
    return admin.memberships.get().offerer


def create(offerer, admin, label=""):
    return api_keys.create_api_key(offerer.pk, actor=admin, label=label)


# --- Format and storage -------------------------------------------------------------------------------


def test_a_key_reads_env_prefix_secret(offerer, admin, settings):
    settings.ENVIRONMENT = "development"

    created = create(offerer, admin)

    assert re.fullmatch(r"dev_[0-9a-f]{12}_[0-9a-f]{64}", created.clear_key)
    assert created.clear_key.split("_")[1] == created.key.prefix


def test_only_the_hash_of_the_secret_is_stored(offerer, admin):
    created = create(offerer, admin)
    secret = created.clear_key.split("_")[2]

    row = ApiKey.objects.filter(pk=created.key.pk).values().get()

    assert row["secret_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert not any(secret in str(value) for value in row.values())
    audit = AuditLog.objects.get(action="api_key.created")
    assert secret not in str(audit.data)


def test_two_keys_never_share_a_secret_or_a_prefix(offerer, admin):
    first, second = create(offerer, admin), create(offerer, admin)

    assert first.key.prefix != second.key.prefix
    assert first.clear_key.split("_")[2] != second.clear_key.split("_")[2]


@pytest.mark.parametrize(
    ("environment", "token"),
    [
        ("production", "prod"),
        ("staging", "staging"),
        ("development", "dev"),
        ("testing", "test"),
        ("Pré-Prod 2", "prprod2"),
        ("", "env"),
        ("a_b", "ab"),
    ],
)
def test_environment_tokens_are_short_and_never_contain_the_separator(environment, token):
    assert api_keys.environment_token(environment) == token


def test_the_label_is_trimmed_and_limited(offerer, admin):
    assert create(offerer, admin, "  Caisse   du hall ").key.label == "Caisse du hall"
    assert error_code(create, offerer, admin, "x" * 101) == "API_KEY_LABEL_TOO_LONG"


# --- At most 5 active keys ----------------------------------------------------------------------------


def test_at_most_five_active_keys_per_offerer(offerer, admin):
    keys = [create(offerer, admin) for _ in range(5)]

    assert error_code(create, offerer, admin) == "API_KEY_LIMIT_REACHED"

    api_keys.revoke_api_key(keys[0].key.pk, actor=admin)
    create(offerer, admin)
    assert api_keys.active_key_count(offerer.pk) == 5
    assert ApiKey.objects.filter(offerer=offerer).count() == 6


def test_the_limit_is_per_offerer(offerer, admin):
    for _ in range(5):
        create(offerer, admin)
    other = MembershipFactory(user=admin, role=MembershipRole.ADMIN).offerer

    assert create(other, admin).key.offerer == other


# --- Who manages keys ---------------------------------------------------------------------------------


def test_an_editor_cannot_create_a_key(offerer):
    editor = MembershipFactory(offerer=offerer, role=MembershipRole.EDITOR).user

    assert error_code(create, offerer, editor) == "API_KEYS_ADMIN_ONLY"


def test_a_pending_admin_cannot_create_a_key(offerer):
    pending = MembershipFactory(
        offerer=offerer, role=MembershipRole.ADMIN, validation_status=ValidationStatus.PENDING
    ).user

    assert error_code(create, offerer, pending) == "API_KEYS_ADMIN_ONLY"


def test_an_admin_of_another_offerer_cannot_create_a_key(offerer):
    stranger = MembershipFactory(role=MembershipRole.ADMIN).user

    assert error_code(create, offerer, stranger) == "API_KEYS_ADMIN_ONLY"
    assert not ApiKey.objects.exists()


def test_no_key_before_staff_validate_the_offerer(db):
    admin = MembershipFactory(offerer=OffererFactory(validation_status=ValidationStatus.NEW)).user

    assert error_code(create, admin.memberships.get().offerer, admin) == "API_KEYS_ADMIN_ONLY"


def test_staff_do_not_create_keys_for_cinemas(offerer):
    assert error_code(create, offerer, StaffFactory()) == "API_KEYS_ADMIN_ONLY"


def test_a_deactivated_admin_cannot_create_a_key(offerer, admin):
    admin.is_active = False
    admin.save()

    assert error_code(create, offerer, admin) == "API_KEYS_ADMIN_ONLY"


def test_nobody_creates_a_key_anonymously(offerer):
    assert error_code(create, offerer, None) == "API_KEYS_ADMIN_ONLY"


def test_unknown_offerer(admin):
    assert error_code(api_keys.create_api_key, 999_999, actor=admin) == "OFFERER_NOT_FOUND"


# --- Revocation ---------------------------------------------------------------------------------------


def test_revoking_records_when_and_who(offerer, admin, time_machine):
    time_machine.move_to(NOW, tick=False)
    key = create(offerer, admin).key

    revoked = api_keys.revoke_api_key(key.pk, actor=admin)

    assert (revoked.revoked_at, revoked.revoked_by) == (NOW, admin)
    assert AuditLog.objects.filter(action="api_key.revoked", target_id=str(key.pk)).exists()


def test_revoking_twice_changes_nothing(offerer, admin, time_machine):
    time_machine.move_to(NOW, tick=False)
    key = create(offerer, admin).key
    api_keys.revoke_api_key(key.pk, actor=admin)
    time_machine.shift(dt.timedelta(days=1))

    assert api_keys.revoke_api_key(key.pk, actor=admin).revoked_at == NOW
    assert AuditLog.objects.filter(action="api_key.revoked").count() == 1


def test_an_admin_of_another_offerer_cannot_revoke(offerer, admin):
    key = create(offerer, admin).key
    stranger = MembershipFactory(role=MembershipRole.ADMIN).user

    assert error_code(api_keys.revoke_api_key, key.pk, actor=stranger) == "API_KEYS_ADMIN_ONLY"
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None


def test_revoking_an_unknown_key(admin):
    assert error_code(api_keys.revoke_api_key, 999_999, actor=admin) == "API_KEY_NOT_FOUND"


# --- Authentication -----------------------------------------------------------------------------------


def test_authentication_finds_the_key_and_records_its_use(offerer, admin, time_machine):
    time_machine.move_to(NOW, tick=False)
    created = create(offerer, admin)

    key = api_keys.authenticate_api_key(created.clear_key)

    assert key == created.key
    assert ApiKey.objects.get(pk=key.pk).last_used_at == NOW


def test_last_use_is_written_at_most_once_a_minute(offerer, admin, time_machine):
    time_machine.move_to(NOW, tick=False)
    created = create(offerer, admin)
    api_keys.authenticate_api_key(created.clear_key)

    time_machine.shift(dt.timedelta(seconds=30))
    api_keys.authenticate_api_key(created.clear_key)
    assert ApiKey.objects.get(pk=created.key.pk).last_used_at == NOW

    time_machine.shift(dt.timedelta(seconds=31))
    api_keys.authenticate_api_key(created.clear_key)
    assert ApiKey.objects.get(pk=created.key.pk).last_used_at == NOW + dt.timedelta(seconds=61)


def test_a_wrong_secret_with_a_real_prefix_is_invalid(offerer, admin):
    env, prefix, _secret = create(offerer, admin).clear_key.split("_")

    assert error_code(api_keys.authenticate_api_key, f"{env}_{prefix}_{'a' * 64}") == "INVALID_API_KEY"
    assert ApiKey.objects.get(prefix=prefix).last_used_at is None


def test_a_revoked_key_is_refused_only_to_whoever_holds_it(offerer, admin):
    created = create(offerer, admin)
    api_keys.revoke_api_key(created.key.pk, actor=admin)
    env, prefix, _secret = created.clear_key.split("_")

    assert error_code(api_keys.authenticate_api_key, created.clear_key) == "API_KEY_REVOKED"
    # Without the secret, a revoked key is just invalid: the prefix alone tells nothing.
    assert error_code(api_keys.authenticate_api_key, f"{env}_{prefix}_{'a' * 64}") == "INVALID_API_KEY"


def test_a_key_of_another_environment_is_refused(offerer, admin, settings):
    settings.ENVIRONMENT = "staging"
    created = create(offerer, admin)
    settings.ENVIRONMENT = "production"

    assert error_code(api_keys.authenticate_api_key, created.clear_key) == "INVALID_API_KEY"
    moved = "prod_" + created.clear_key.removeprefix("staging_")
    assert error_code(api_keys.authenticate_api_key, moved) == "INVALID_API_KEY"


def test_keys_are_listed_active_first(offerer, admin):
    first, second, third = (create(offerer, admin).key for _ in range(3))
    api_keys.revoke_api_key(third.pk, actor=admin)

    assert list(api_keys.api_keys_of_offerer(offerer.pk)) == [second, first, third]


def test_a_key_is_found_only_among_the_pro_s_offerers(offerer, admin):
    key = create(offerer, admin).key

    assert api_keys.api_key_of_offerers(key.pk, {offerer.pk}) == key
    assert api_keys.api_key_of_offerers(key.pk, {offerer.pk + 1}) is None


# --- Concurrency (PostgreSQL) -------------------------------------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_admins_creating_the_fifth_key_together_make_only_one(offerer, admin):
    import threading

    from django.db import connection

    second_admin = MembershipFactory(offerer=offerer, role=MembershipRole.ADMIN).user
    for _ in range(4):
        create(offerer, admin)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def worker(user):
        try:
            barrier.wait(timeout=30)
            create(offerer, user)
            outcomes.append("ok")
        except Exception as error:  # the DomainError's code, or what went wrong
            outcomes.append(getattr(error, "code", repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(user,)) for user in (admin, second_admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["API_KEY_LIMIT_REACHED", "ok"]
    assert api_keys.active_key_count(offerer.pk) == 5
