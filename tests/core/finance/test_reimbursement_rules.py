"""Custom reimbursement rules: staff create and end them; the period and target rules hold."""

import datetime as dt
from decimal import Decimal

import pytest

from passculture.core.common.models import AuditLog
from passculture.core.finance.factories import CustomReimbursementRuleFactory
from passculture.core.finance.models import CustomReimbursementRule
from passculture.core.finance.reimbursement_rules import create_custom_rule, end_custom_rule
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory
from passculture.core.users.factories import ProFactory
from tests.conftest import utc
from tests.helpers import error_code

NOW = utc(2026, 6, 15, 12, 0)
TOMORROW = NOW + dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


def test_staff_create_a_rate_rule_on_a_venue_and_it_is_audited(staff):
    venue = VenueFactory()
    rule = create_custom_rule(staff, venue=venue, rate="0.9250", valid_from=TOMORROW, reason="Convention")
    assert (rule.venue, rule.rate, rule.amount_cents, rule.created_by) == (
        venue,
        Decimal("0.925"),
        None,
        staff,
    )
    log = AuditLog.objects.get(action="reimbursement_rule.created")
    assert (log.actor, log.target_id, log.data["target"]) == (staff, str(rule.pk), f"venue:{venue.pk}")


def test_staff_create_a_fixed_amount_rule_on_an_offer(staff):
    offer = OfferFactory()
    rule = create_custom_rule(staff, offer=offer, amount_cents=450, valid_from=NOW)
    assert (rule.offer, rule.rate, rule.amount_cents) == (offer, None, 450)


def test_a_pro_cannot_create_a_rule(db):
    pro = ProFactory()
    assert (
        error_code(create_custom_rule, pro, venue=VenueFactory(), rate="1", valid_from=TOMORROW)
        == "FORBIDDEN"
    )
    assert not CustomReimbursementRule.objects.exists()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate": "1.5"},
        {"rate": "-0.1"},
        {"rate": "abc"},
        {"rate": "0.12345"},
        {"rate": "0.5", "amount_cents": 100},
        {},
        {"amount_cents": -1},
        {"rate": "0.5", "valid_from": NOW - dt.timedelta(minutes=1)},
        {"rate": "0.5", "valid_until": TOMORROW},
    ],
)
def test_invalid_rules_are_refused_with_a_clear_error(staff, kwargs):
    kwargs = {"valid_from": TOMORROW, **kwargs}
    assert error_code(create_custom_rule, staff, venue=VenueFactory(), **kwargs) == "CUSTOM_RULE_INVALID"
    assert not CustomReimbursementRule.objects.exists()


def test_a_rule_needs_exactly_one_target(staff):
    venue = VenueFactory()
    assert error_code(create_custom_rule, staff, rate="1", valid_from=TOMORROW) == "CUSTOM_RULE_INVALID"
    assert (
        error_code(
            create_custom_rule, staff, venue=venue, offerer=venue.offerer, rate="1", valid_from=TOMORROW
        )
        == "CUSTOM_RULE_INVALID"
    )


def test_two_rules_on_the_same_target_may_not_overlap(staff):
    venue = VenueFactory()
    create_custom_rule(
        staff, venue=venue, rate="0.5", valid_from=TOMORROW, valid_until=TOMORROW + dt.timedelta(days=10)
    )
    overlapping = dict(valid_from=TOMORROW + dt.timedelta(days=5))
    assert (
        error_code(create_custom_rule, staff, venue=venue, rate="0.6", **overlapping) == "CUSTOM_RULE_OVERLAP"
    )
    # Right after the first one ends (exclusive end), and on another target: fine.
    create_custom_rule(staff, venue=venue, rate="0.6", valid_from=TOMORROW + dt.timedelta(days=10))
    create_custom_rule(staff, offerer=venue.offerer, rate="0.6", valid_from=TOMORROW)
    assert CustomReimbursementRule.objects.count() == 3


def test_ending_a_rule_sets_its_end_and_is_audited(staff):
    rule = CustomReimbursementRuleFactory(valid_from=NOW - dt.timedelta(days=3))
    ended = end_custom_rule(staff, rule.pk)
    assert ended.valid_until == NOW
    rule.refresh_from_db()
    assert rule.valid_until == NOW
    assert AuditLog.objects.filter(action="reimbursement_rule.ended", target_id=str(rule.pk)).exists()


def test_a_rule_cannot_be_ended_in_the_past_nor_twice(staff):
    rule = CustomReimbursementRuleFactory(valid_from=NOW - dt.timedelta(days=3))
    past = NOW - dt.timedelta(days=1)
    assert error_code(end_custom_rule, staff, rule.pk, until=past) == "CUSTOM_RULE_INVALID"
    end_custom_rule(staff, rule.pk)
    assert error_code(end_custom_rule, staff, rule.pk) == "CUSTOM_RULE_ALREADY_ENDED"


def test_ending_a_rule_before_it_starts_withdraws_it(staff):
    rule = CustomReimbursementRuleFactory(valid_from=TOMORROW)
    end_custom_rule(staff, rule.pk)
    assert not CustomReimbursementRule.objects.filter(pk=rule.pk).exists()
    assert AuditLog.objects.filter(action="reimbursement_rule.withdrawn").exists()


def test_ending_refusals(staff, db):
    rule = CustomReimbursementRuleFactory(valid_from=NOW - dt.timedelta(days=3))
    assert error_code(end_custom_rule, ProFactory(), rule.pk) == "FORBIDDEN"
    assert error_code(end_custom_rule, staff, 999_999) == "CUSTOM_RULE_NOT_FOUND"
