"""The last weeks of the demo pro's cinemas: the pro home page has figures and charts to show."""

import pytest

from passculture.core.bookings.statistics import bookings_per_day, top_films
from passculture.core.credit.selectors import balance_of
from passculture.core.offerers.selectors import validated_offerer_ids_of
from passculture.core.users.models import User
from passculture.demo import data
from passculture.demo.recent import RECENT_BENEFICIARY_COUNT, recent_email

pytestmark = pytest.mark.usefixtures("demo")


def test_each_structure_of_the_demo_pro_has_bookings_over_the_last_weeks(db, demo):
    pro = User.objects.get(email=data.PRO_EMAIL)
    for offerer_id in validated_offerer_ids_of(pro):
        days = bookings_per_day([offerer_id], demo.at)
        assert sum(1 for day in days if day.count) >= 10, offerer_id
        assert len(top_films([offerer_id], demo.at)) == 5


def test_recent_beneficiaries_stay_within_their_credit(db, demo):
    for number in range(1, RECENT_BENEFICIARY_COUNT + 1):
        user = User.objects.get(email=recent_email(number))
        balance = balance_of(user, demo.at)
        assert not balance.is_expired
        assert balance.spent_cents < balance.initial_cents
