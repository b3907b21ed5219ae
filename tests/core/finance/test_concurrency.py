"""Staff decisions and pro changes racing on PostgreSQL (one connection per thread; outcomes only)."""

from passculture.core.finance.constants import BankAccountStatus
from passculture.core.finance.factories import IBAN_LA_BANQUE_POSTALE, BankAccountFactory
from passculture.core.finance.models import BankAccount
from passculture.core.finance.services import accept_bank_account, reject_bank_account, save_bank_account
from passculture.core.offerers.factories import MembershipFactory
from passculture.core.users.factories import StaffFactory
from tests.core.bookings.test_concurrency import concurrent, run_concurrently


@concurrent
def test_two_staff_decisions_on_the_same_details_one_wins():
    account = BankAccountFactory()
    first, second = StaffFactory(), StaffFactory()
    outcomes = run_concurrently(
        [
            lambda: accept_bank_account(first, account.pk),
            lambda: reject_bank_account(second, account.pk, reason="Titulaire différent"),
        ]
    )
    assert sorted(outcome.kind for outcome in outcomes) == ["ok", "refused"], outcomes
    assert [o.value for o in outcomes if o.kind == "refused"] == ["BANK_ACCOUNT_NOT_PENDING"]


@concurrent
def test_a_change_racing_an_acceptance_never_leaves_unchecked_details_accepted():
    account = BankAccountFactory()
    pro = MembershipFactory(offerer=account.venue.offerer).user
    staff = StaffFactory()
    outcomes = run_concurrently(
        [
            lambda: accept_bank_account(staff, account.pk),
            lambda: save_bank_account(
                pro, account.venue, iban=IBAN_LA_BANQUE_POSTALE, bic="", holder="Nouveau titulaire"
            ),
        ]
    )
    assert all(outcome.kind in ("ok", "refused") for outcome in outcomes), outcomes
    current = BankAccount.objects.get(venue=account.venue, archived_at__isnull=True)
    assert current.iban == IBAN_LA_BANQUE_POSTALE
    assert current.status == BankAccountStatus.PENDING
