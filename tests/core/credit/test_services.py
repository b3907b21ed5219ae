import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from passculture.core.bookings.factories import BookingFactory
from passculture.core.common.exceptions import DomainError
from passculture.core.common.models import AuditLog
from passculture.core.credit.models import CreditPolicy, Deposit
from passculture.core.credit.services import debit, grant_deposit, refund
from passculture.core.credit.validation import plan_spending
from passculture.core.users.factories import UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def _paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def _beneficiary_born(birth_date: dt.date):
    return UserFactory(birth_date=birth_date)


def test_grant_uses_policy_in_force_on_that_day_2019_gives_500_eur_with_caps():
    deposit = grant_deposit(_beneficiary_born(dt.date(2001, 1, 10)), at=utc(2019, 6, 1, 10))
    assert deposit.policy.code == "GRANT_18_2019"
    assert deposit.amount_cents == 500_00
    assert deposit.digital_cap_cents == 200_00
    assert deposit.physical_cap_cents == 200_00


def test_grant_uses_policy_in_force_on_that_day_2021_gives_300_eur_with_100_digital():
    deposit = grant_deposit(_beneficiary_born(dt.date(2003, 1, 10)), at=utc(2021, 6, 1, 10))
    assert deposit.policy.code == "GRANT_18_2021"
    assert deposit.amount_cents == 300_00
    assert deposit.digital_cap_cents == 100_00
    assert deposit.physical_cap_cents is None


def test_grant_switches_policy_on_the_paris_day_the_2021_rule_starts():
    # 2021-05-20 22:30 UTC is already 21 May in Paris: the 2021 policy applies.
    user = _beneficiary_born(dt.date(2003, 1, 10))
    assert grant_deposit(user, at=utc(2021, 5, 20, 22, 30)).policy.code == "GRANT_18_2021"
    other = _beneficiary_born(dt.date(2003, 1, 10))
    assert grant_deposit(other, at=utc(2021, 5, 20, 21, 30)).policy.code == "GRANT_18_2019"


def test_grant_expires_2_years_after_grant():
    granted_at = _paris(2024, 3, 10, 14, 30)
    deposit = grant_deposit(_beneficiary_born(dt.date(2006, 1, 10)), at=granted_at)
    assert deposit.granted_at == granted_at
    assert deposit.expires_at == _paris(2026, 3, 10, 14, 30)


def test_2021_policy_stays_the_default_while_the_2025_reform_is_inactive():
    deposit = grant_deposit(_beneficiary_born(dt.date(2008, 1, 10)), at=utc(2026, 3, 10, 10))
    assert deposit.policy.code == "GRANT_18_2021"


def test_2025_policy_once_activated_gives_150_eur_valid_until_21st_birthday():
    CreditPolicy.objects.filter(code="GRANT_18_2025").update(is_active=True)
    deposit = grant_deposit(_beneficiary_born(dt.date(2008, 1, 10)), at=utc(2026, 3, 10, 10))
    assert deposit.policy.code == "GRANT_18_2025"
    assert deposit.amount_cents == 150_00
    assert deposit.digital_cap_cents == 100_00
    assert deposit.expires_at == _paris(2029, 1, 10, 0, 0)


def test_2025_policy_once_activated_gives_50_eur_at_17():
    CreditPolicy.objects.filter(code="GRANT_17_2025").update(is_active=True)
    deposit = grant_deposit(_beneficiary_born(dt.date(2009, 1, 10)), at=utc(2026, 3, 10, 10))
    assert (deposit.policy.code, deposit.amount_cents) == ("GRANT_17_2025", 50_00)


def test_grant_on_the_18th_birthday_is_allowed():
    deposit = grant_deposit(_beneficiary_born(dt.date(2008, 3, 10)), at=_paris(2026, 3, 10, 0, 5))
    assert deposit.amount_cents == 300_00


def test_grant_refused_before_the_18th_birthday():
    with pytest.raises(DomainError) as exc:
        grant_deposit(_beneficiary_born(dt.date(2008, 3, 11)), at=_paris(2026, 3, 10, 23, 55))
    assert exc.value.code == "NOT_YET_ELIGIBLE"


def test_grant_refused_from_the_19th_birthday():
    with pytest.raises(DomainError) as exc:
        grant_deposit(_beneficiary_born(dt.date(2007, 3, 10)), at=_paris(2026, 3, 10, 0, 5))
    assert exc.value.code == "NO_LONGER_ELIGIBLE"


def test_grant_refused_without_a_birth_date():
    with pytest.raises(DomainError) as exc:
        grant_deposit(UserFactory(birth_date=None), at=utc(2026, 3, 10, 10))
    assert exc.value.code == "NOT_YET_ELIGIBLE"


def test_grant_refused_when_no_policy_is_in_force():
    with pytest.raises(DomainError) as exc:
        grant_deposit(_beneficiary_born(dt.date(2000, 6, 1)), at=utc(2018, 9, 1, 10))
    assert exc.value.code == "NO_CREDIT_POLICY"


def test_credit_is_granted_only_once():
    user = _beneficiary_born(dt.date(2008, 1, 10))
    grant_deposit(user, at=utc(2026, 3, 10, 10))
    with pytest.raises(DomainError) as exc:
        grant_deposit(user, at=utc(2026, 3, 11, 10))
    assert exc.value.code == "DEPOSIT_ALREADY_GRANTED"
    assert Deposit.objects.filter(user=user).count() == 1


def test_grant_is_recorded_in_the_audit_log():
    user = _beneficiary_born(dt.date(2008, 1, 10))
    deposit = grant_deposit(user, at=utc(2026, 3, 10, 10), source="identity-check:42")
    entry = AuditLog.objects.get(action="deposit.granted")
    assert entry.target_id == str(deposit.pk)
    assert entry.data["policy"] == "GRANT_18_2021"
    assert deposit.source == "identity-check:42"


def _spend(deposit, amount_cents, *, is_digital=False, plan=None):
    """What book_offer does with the credit: plans, then debits for a booking row."""
    booking = BookingFactory(user=deposit.user, amount_cents=amount_cents, is_digital=is_digital)
    plan = plan or plan_spending([deposit], amount_cents, is_digital=is_digital, at=deposit.granted_at)
    debit(booking, plan, is_digital=is_digital)
    return booking


def test_debit_refuses_more_than_the_remaining_credit(beneficiary):
    deposit = beneficiary.deposits.get()
    _spend(deposit, 250_00)
    with pytest.raises(DomainError) as exc:
        _spend(deposit, 50_01)
    assert exc.value.code == "INSUFFICIENT_CREDIT"
    # The debit itself checks again (under the lock), whatever plan it is given.
    with pytest.raises(DomainError) as exc:
        _spend(deposit, 50_01, plan=[(deposit, 50_01)])
    assert exc.value.code == "INSUFFICIENT_CREDIT"
    _spend(deposit, 50_00)
    assert deposit.spent_cents == 300_00


def test_digital_cap_applies_only_to_digital_offers(beneficiary):
    deposit = beneficiary.deposits.get()
    _spend(deposit, 150_00)
    _spend(deposit, 100_00, is_digital=True)
    with pytest.raises(DomainError) as exc:
        _spend(deposit, 1, is_digital=True)
    assert exc.value.code == "DIGITAL_CAP_REACHED"
    _spend(deposit, 50_00)
    assert (deposit.spent_cents, deposit.digital_spent_cents) == (300_00, 100_00)


def test_refund_gives_the_amount_back_to_the_right_counters(beneficiary):
    deposit = beneficiary.deposits.get()
    digital = _spend(deposit, 80_00, is_digital=True)
    _spend(deposit, 20_00)
    refund(digital)
    deposit.refresh_from_db()
    assert (deposit.spent_cents, deposit.digital_spent_cents) == (20_00, 0)
