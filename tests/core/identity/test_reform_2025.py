"""The 2025 policy once staff switch it on: a 17-year-old can ask for the credit (50 EUR); at 18 the credit of
18 (150 EUR) comes without a new identity check (the daily job), the unspent 17 credit staying beside it."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from passculture.core.credit.models import CreditPolicy, Deposit
from passculture.core.credit.selectors import balance_of
from passculture.core.identity.selectors import identity_state
from passculture.core.identity.services import (
    approve_identity_check,
    grant_credits_of_new_age,
    submit_identity_check,
)
from passculture.core.jobs.schedule import get_job
from passculture.core.notifications.models import OutboxEmail
from passculture.core.users.factories import StaffFactory, UserFactory
from passculture.core.users.selectors import eligibility
from tests.helpers import error_code
from tests.identity_helpers import identity_data, photo_upload

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def _switch_on_2025():
    CreditPolicy.objects.filter(code__in=["GRANT_17_2025", "GRANT_18_2025"]).update(is_active=True)


def _verified_at_17(birth_date, submitted_at, approved_at):
    user = UserFactory(birth_date=birth_date, last_name="Martin")
    check = submit_identity_check(user, identity_data(user), photo=photo_upload(), at=submitted_at)
    approve_identity_check(check, StaffFactory(), at=approved_at)
    return user


def test_while_the_2025_policy_is_off_a_17_year_old_cannot_ask():
    user = UserFactory(birth_date=dt.date(2009, 1, 10))
    assert eligibility(user.birth_date, dt.date(2026, 3, 10)).status == "NOT_YET"
    code = error_code(
        submit_identity_check, user, identity_data(user), photo=photo_upload(), at=paris(2026, 3, 10, 12)
    )
    assert code == "NOT_YET_ELIGIBLE"


def test_with_the_2025_policy_a_17_year_old_asks_and_gets_50_eur_until_the_21st_birthday():
    _switch_on_2025()
    state = eligibility(dt.date(2009, 1, 10), dt.date(2026, 3, 10))
    assert (state.status, state.eligible_from, state.eligible_until) == (
        "ELIGIBLE",
        dt.date(2026, 1, 10),
        dt.date(2028, 1, 10),
    )
    assert "le jour de tes 17 ans" in eligibility(dt.date(2009, 1, 10), dt.date(2025, 6, 1)).message

    user = _verified_at_17(dt.date(2009, 1, 10), paris(2026, 3, 10, 12), paris(2026, 3, 11, 12))

    deposit = Deposit.objects.get(user=user)
    assert (deposit.policy.code, deposit.amount_cents, deposit.expires_at) == (
        "GRANT_17_2025",
        50_00,
        paris(2030, 1, 10),
    )
    assert identity_state(user, paris(2026, 3, 12, 12)).status == "APPROVED"


def test_the_credit_of_18_comes_on_the_18th_birthday_beside_what_is_left_at_17():
    _switch_on_2025()
    user = _verified_at_17(dt.date(2009, 1, 10), paris(2026, 3, 10, 12), paris(2026, 3, 11, 12))
    Deposit.objects.filter(user=user).update(spent_cents=20_00)

    assert grant_credits_of_new_age(at=paris(2027, 1, 9, 23, 59)) == {"granted": 0}
    assert grant_credits_of_new_age(at=paris(2027, 1, 10, 0, 1)) == {"granted": 1}
    assert grant_credits_of_new_age(at=paris(2027, 1, 10, 6, 0)) == {"granted": 0}  # once

    eighteen = Deposit.objects.get(user=user, policy__age=18)
    assert (eighteen.policy.code, eighteen.amount_cents, eighteen.expires_at) == (
        "GRANT_18_2025",
        150_00,
        paris(2030, 1, 10),
    )
    assert balance_of(user, at=paris(2027, 1, 10, 12)).remaining_cents == 180_00
    email = OutboxEmail.objects.get(kind="credit_of_age_granted")
    assert email.to == [user.email]
    assert "Ce qui reste de votre premier crédit (30" in email.text_body


def test_the_credit_of_18_is_not_granted_without_a_verified_identity_nor_after_19():
    _switch_on_2025()
    never_verified = UserFactory(birth_date=dt.date(2009, 1, 10))
    late = _verified_at_17(dt.date(2008, 6, 1), paris(2026, 3, 10, 12), paris(2026, 3, 11, 12))
    Deposit.objects.filter(user=late).update(expires_at=paris(2029, 6, 1))

    assert grant_credits_of_new_age(at=paris(2027, 6, 2, 12)) == {"granted": 0}  # late is 19
    assert not Deposit.objects.filter(user=never_verified).exists()


def test_born_on_29_february_the_credit_of_18_comes_on_1_march_of_a_common_year():
    _switch_on_2025()
    user = _verified_at_17(dt.date(2008, 2, 29), paris(2025, 3, 3, 12), paris(2025, 3, 4, 12))

    assert grant_credits_of_new_age(at=paris(2026, 2, 28, 23, 59)) == {"granted": 0}
    assert grant_credits_of_new_age(at=paris(2026, 3, 1, 0, 0)) == {"granted": 1}
    assert set(Deposit.objects.filter(user=user).values_list("expires_at", flat=True)) == {paris(2029, 3, 1)}


def test_the_grant_of_the_credit_of_18_is_a_daily_job():
    assert get_job("grant_credits_of_new_age").every == dt.timedelta(days=1)
