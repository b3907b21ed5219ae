import pytest

from passculture.core.common.time import now
from passculture.core.finance.constants import BankAccountStatus
from passculture.core.finance.factories import BankAccountFactory
from passculture.core.finance.selectors import (
    current_bank_account,
    is_venue_payable,
    pending_bank_accounts,
    previous_bank_accounts,
    venues_missing_bank_details,
)
from passculture.core.offerers.factories import OffererFactory, VenueFactory

pytestmark = pytest.mark.django_db


def test_a_venue_is_payable_only_with_accepted_current_details():
    venue = VenueFactory()
    assert not is_venue_payable(venue)
    pending = BankAccountFactory(venue=venue)
    assert not is_venue_payable(venue)
    pending.status, pending.decided_at = BankAccountStatus.ACCEPTED, now()
    pending.save()
    assert is_venue_payable(venue)


def test_archived_accepted_details_do_not_make_a_venue_payable():
    venue = VenueFactory()
    BankAccountFactory(venue=venue, accepted=True, archived_at=now())
    BankAccountFactory(venue=venue)
    assert not is_venue_payable(venue)


def test_venues_missing_bank_details_are_those_without_accepted_details():
    offerer = OffererFactory()
    without = VenueFactory(offerer=offerer, name="A sans RIB")
    pending = BankAccountFactory(venue__offerer=offerer, venue__name="B en attente").venue
    rejected = BankAccountFactory(
        venue__offerer=offerer,
        venue__name="C refusé",
        status=BankAccountStatus.REJECTED,
        decided_at=now(),
        rejection_reason="non",
    ).venue
    BankAccountFactory(venue__offerer=offerer, accepted=True)
    BankAccountFactory(venue__name="D autre structure")
    missing = list(venues_missing_bank_details([offerer.pk]))
    assert missing == [without, pending, rejected]
    assert [venue.bank_account_status for venue in missing] == [None, "PENDING", "REJECTED"]


def test_the_current_account_is_the_one_not_archived():
    venue = VenueFactory()
    BankAccountFactory(venue=venue, accepted=True, archived_at=now())
    new = BankAccountFactory(venue=venue)
    assert current_bank_account(venue) == new


def test_the_previous_account_is_the_latest_one_archived_before_it(django_assert_num_queries):
    venue, other_venue = VenueFactory(), VenueFactory()
    oldest = BankAccountFactory(venue=venue, accepted=True, archived_at=now())
    old = BankAccountFactory(venue=venue, accepted=True, archived_at=now())
    new = BankAccountFactory(venue=venue)
    first = BankAccountFactory(venue=other_venue)
    with django_assert_num_queries(1):
        previous = previous_bank_accounts([new, old, oldest, first])
    assert previous == {new.pk: old, old.pk: oldest}


def test_the_staff_queue_lists_current_pending_details_oldest_first():
    later = BankAccountFactory()
    earlier = BankAccountFactory(submitted_at=later.submitted_at.replace(year=2020))
    BankAccountFactory(accepted=True)
    BankAccountFactory(archived_at=now())
    assert list(pending_bank_accounts()) == [earlier, later]
