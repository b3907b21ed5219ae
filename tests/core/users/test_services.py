import pytest

from passculture.core.common.exceptions import DomainError
from passculture.core.users import tokens
from passculture.core.users.constants import Role
from passculture.core.users.exceptions import (
    AccountInactive,
    EmailAlreadyUsed,
    EmailNotValidated,
    InvalidCredentials,
)
from passculture.core.users.factories import TEST_PASSWORD, UserFactory
from passculture.core.users.services import authenticate_user, change_password, create_user
from tests.helpers import error_code

pytestmark = pytest.mark.django_db


def _create(**fields):
    fields.setdefault("email", "Camille.Martin@Example.com")
    fields.setdefault("password", TEST_PASSWORD)
    return create_user(**fields)


def test_sign_up_stores_email_in_lower_case_as_an_unconfirmed_beneficiary():
    user = _create()
    assert user.email == "camille.martin@example.com"
    assert user.role == Role.BENEFICIARY
    assert user.is_email_validated is False
    assert user.check_password(TEST_PASSWORD)


def test_sign_up_refuses_an_email_already_used_whatever_its_case():
    _create()
    with pytest.raises(EmailAlreadyUsed) as exc:
        _create(email="CAMILLE.MARTIN@example.com")
    assert exc.value.code == "EMAIL_ALREADY_USED"


def test_sign_up_refuses_an_invalid_email():
    with pytest.raises(DomainError) as exc:
        _create(email="not-an-email")
    assert exc.value.code == "INVALID_EMAIL"


def test_sign_up_refuses_a_weak_password():
    with pytest.raises(DomainError) as exc:
        _create(password="1234")
    assert exc.value.code == "WEAK_PASSWORD"


def test_staff_accounts_can_log_into_the_back_office():
    assert _create(role=Role.STAFF).is_staff is True
    assert _create(email="jeune@example.com").is_staff is False


def test_login_gives_the_same_error_for_unknown_email_and_wrong_password():
    UserFactory(email="jeune@example.com")
    with pytest.raises(InvalidCredentials):
        authenticate_user("inconnu@example.com", TEST_PASSWORD)
    with pytest.raises(InvalidCredentials):
        authenticate_user("jeune@example.com", "wrong-password")


def test_login_is_case_insensitive_on_email():
    user = UserFactory(email="jeune@example.com")
    assert authenticate_user("  Jeune@Example.COM ", TEST_PASSWORD) == user


def test_login_requires_a_confirmed_email():
    UserFactory(email="jeune@example.com", is_email_validated=False)
    with pytest.raises(EmailNotValidated):
        authenticate_user("jeune@example.com", TEST_PASSWORD)


def test_login_refuses_a_deactivated_account_with_its_own_message():
    UserFactory(email="jeune@example.com", is_active=False)
    with pytest.raises(AccountInactive):
        authenticate_user("jeune@example.com", TEST_PASSWORD)


# --- Password change ------------------------------------------------------------------------------


def test_changing_the_password_needs_the_current_one():
    user = UserFactory()

    assert error_code(change_password, user, "Mauvais-mot-de-passe", "Nouveau-mot-de-passe-2026") == (
        "INCORRECT_PASSWORD"
    )
    assert error_code(change_password, user, TEST_PASSWORD, "court") == "WEAK_PASSWORD"
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_changing_the_password_voids_the_api_tokens_issued_before():
    user = UserFactory()
    old = tokens.issue_access_token(user)

    change_password(user, TEST_PASSWORD, "Nouveau-mot-de-passe-2026")

    assert authenticate_user(user.email, "Nouveau-mot-de-passe-2026") == user
    assert error_code(tokens.user_from_access_token, old) == "INVALID_TOKEN"


def test_an_identifier_with_a_nul_character_is_just_wrong_credentials():
    assert error_code(authenticate_user, "camille\x00@example.com", TEST_PASSWORD) == "INVALID_CREDENTIALS"


def test_an_identifier_longer_than_any_address_is_just_wrong_credentials():
    # A 100 kB identifier made SQLite's case-insensitive match fail (the back office login sent it).
    assert error_code(authenticate_user, "x" * 100_000, TEST_PASSWORD) == "INVALID_CREDENTIALS"
