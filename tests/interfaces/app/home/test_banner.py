"""The home feed's credit banner: the amount left, or why there is none and what to do (frozen clock)."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser

from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.identity.constants import CheckStatus, RejectionReason
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from passculture.interfaces.app.home.banner import credit_banner
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 12, 6, 10, 0)


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


def born(years_ago: int, days: int = 30) -> dt.date:
    return dt.date(2026 - years_ago, 12, 6) - dt.timedelta(days=days)


def test_the_amount_left_and_until_when():
    user = UserFactory(birth_date=born(18))
    DepositFactory(user=user, granted_at=utc(2026, 3, 1, 9), expires_at=utc(2028, 3, 1, 9))
    book_offer(user, StockFactory(price_cents=87_50).pk, at=NOW)
    banner = credit_banner(user, at=NOW)
    assert (banner.kind, banner.title) == ("CREDIT", "Il te reste 212,50\u00a0€")
    assert banner.text == "À dépenser jusqu'au 1er mars 2028 à 10h00."
    assert banner.link_url == "/credit/"


def test_an_expired_credit_says_free_showtimes_stay_bookable():
    user = UserFactory(birth_date=born(20))
    DepositFactory(user=user, granted_at=utc(2024, 1, 1, 23), expires_at=utc(2026, 1, 1, 23))
    banner = credit_banner(user, at=NOW)
    assert banner.kind == "EXPIRED" and banner.tone == "warning"
    assert "séances gratuites restent réservables" in banner.text


def test_a_17_year_old_learns_the_day_the_credit_can_be_asked():
    user = UserFactory(birth_date=dt.date(2009, 2, 14))
    banner = credit_banner(user, at=NOW)
    assert banner.kind == "NOT_YET"
    assert "à partir du 14 février 2027, le jour de tes 18 ans" in banner.text


def test_an_eligible_person_without_credit_is_sent_to_the_identity_check():
    banner = credit_banner(UserFactory(birth_date=born(18)), at=NOW)
    assert (banner.kind, banner.link_url, banner.link_label) == (
        "IDENTITY",
        "/identite/",
        "Vérifier mon identité",
    )


@pytest.mark.parametrize(
    ("status", "kind"), [(CheckStatus.SUBMITTED, "PENDING"), (CheckStatus.REJECTED, "IDENTITY")]
)
def test_a_check_under_review_or_refused_says_so(status, kind):
    user = UserFactory(birth_date=born(18))
    decided = {"reviewed_at": NOW, "rejection_reason": RejectionReason.UNREADABLE_DOCUMENT}
    IdentityCheckFactory(user=user, status=status, **(decided if status == CheckStatus.REJECTED else {}))
    assert credit_banner(user, at=NOW).kind == kind


def test_too_old_without_credit():
    assert credit_banner(UserFactory(birth_date=born(19, days=2)), at=NOW).kind == "NO_LONGER"


def test_anonymous_people_are_invited_to_sign_up_and_pros_get_no_banner():
    assert credit_banner(AnonymousUser(), at=NOW).link_url == "/inscription/"
    assert credit_banner(ProFactory(), at=NOW) is None
