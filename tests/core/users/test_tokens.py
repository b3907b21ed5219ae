import datetime as dt

import jwt
import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from passculture.core.users import tokens
from passculture.core.users.exceptions import InvalidToken, TokenExpired
from passculture.core.users.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory()


def test_an_access_token_identifies_its_user(user):
    assert tokens.user_from_access_token(tokens.issue_access_token(user)) == user


def test_a_refresh_token_identifies_its_user(user):
    assert tokens.user_from_refresh_token(tokens.issue_refresh_token(user)) == user


def test_a_refresh_token_is_not_an_access_token(user):
    with pytest.raises(InvalidToken):
        tokens.user_from_access_token(tokens.issue_refresh_token(user))


def test_an_access_token_is_not_a_refresh_token(user):
    with pytest.raises(InvalidToken):
        tokens.user_from_refresh_token(tokens.issue_access_token(user))


def test_an_access_token_expires_after_its_lifetime(user):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = tokens.issue_access_token(user)
        traveller.shift(dt.timedelta(seconds=settings.ACCESS_TOKEN_LIFETIME_SECONDS - 1))
        assert tokens.user_from_access_token(token) == user

        traveller.shift(dt.timedelta(seconds=2))
        with pytest.raises(TokenExpired):
            tokens.user_from_access_token(token)


def test_a_token_signed_with_another_key_is_invalid(user):
    forged = jwt.encode(
        {"sub": str(user.pk), "type": "access", "iat": 0, "exp": 4_000_000_000},
        "another-key-that-is-long-enough-for-hs256!",
        algorithm="HS256",
    )

    with pytest.raises(InvalidToken):
        tokens.user_from_access_token(forged)


def test_an_unsigned_token_is_invalid(user):
    unsigned = jwt.encode(
        {"sub": str(user.pk), "type": "access", "iat": 0, "exp": 4_000_000_000}, None, "none"
    )

    with pytest.raises(InvalidToken):
        tokens.user_from_access_token(unsigned)


def test_the_token_of_a_deactivated_user_is_invalid(user):
    token = tokens.issue_access_token(user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    with pytest.raises(InvalidToken):
        tokens.user_from_access_token(token)


def test_two_tokens_issued_at_the_same_second_differ(user):
    with time_machine.travel(timezone.now(), tick=False):
        assert tokens.issue_access_token(user) != tokens.issue_access_token(user)


def test_a_password_change_voids_the_access_tokens_issued_before(user):
    token = tokens.issue_access_token(user)
    user.set_password("Un-nouveau-mot-de-passe-2026!")
    user.save(update_fields=["password"])

    with pytest.raises(InvalidToken) as exc:
        tokens.user_from_access_token(token)
    assert exc.value.code == "INVALID_TOKEN"


def test_a_password_change_voids_the_refresh_tokens_issued_before(user):
    token = tokens.issue_refresh_token(user)
    user.set_password("Un-nouveau-mot-de-passe-2026!")
    user.save(update_fields=["password"])

    with pytest.raises(InvalidToken) as exc:
        tokens.user_from_refresh_token(token)
    assert exc.value.code == "INVALID_TOKEN"


def test_tokens_issued_after_a_password_change_are_accepted(user):
    user.set_password("Un-nouveau-mot-de-passe-2026!")
    user.save(update_fields=["password"])

    assert tokens.user_from_refresh_token(tokens.issue_refresh_token(user)) == user


def test_a_token_without_the_password_claim_is_invalid(user):
    legacy = jwt.encode(
        {"sub": str(user.pk), "type": "access", "iat": 0, "exp": 4_000_000_000},
        settings.SECRET_KEY,
        algorithm="HS256",
    )

    with pytest.raises(InvalidToken):
        tokens.user_from_access_token(legacy)


def test_the_password_claim_does_not_carry_the_password_hash(user):
    payload = jwt.decode(tokens.issue_access_token(user), settings.SECRET_KEY, algorithms=["HS256"])

    assert len(payload["pwd"]) == 10
    assert payload["pwd"] not in user.password
