"""Back office pages for custom reimbursement rules (issue 6, point 6): list, create, end."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from passculture.core.common.models import AuditLog
from passculture.core.finance.models import CustomReimbursementRule
from passculture.core.finance.reimbursement_rules import create_custom_rule
from passculture.core.offerers.factories import OffererFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory
from passculture.core.users.factories import StaffFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db

# 07:00 in Paris (UTC+1 in March before the change of time).
NOW = utc(2026, 3, 17, 6, 0)
CREATE = reverse("backoffice:reimbursement-rules")


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def create_url() -> str:
    return reverse("backoffice:reimbursement-rule-create")


def form(**overrides) -> dict:
    return {
        "target_type": "venue",
        "target_id": "",
        "valid_from": "2026-03-18T00:00",
        "valid_until": "",
        "rate_percent": "",
        "amount_euros": "",
        "reason": "Convention",
        **overrides,
    }


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_staff_create_a_rate_rule_on_a_venue_in_paris_time(staff_client):
    venue = VenueFactory()
    response = staff_client.post(create_url(), form(target_id=str(venue.pk), rate_percent="92,5"))
    assert response.status_code == 302
    rule = CustomReimbursementRule.objects.get()
    assert (rule.venue_id, rule.rate, rule.amount_cents) == (venue.pk, Decimal("0.925"), None)
    assert rule.valid_from == utc(2026, 3, 17, 23, 0)  # midnight in Paris
    assert rule.valid_until is None
    assert AuditLog.objects.filter(action="reimbursement_rule.created").count() == 1


@pytest.mark.parametrize(
    ("kind", "factory", "field"),
    [("offer", OfferFactory, "offer_id"), ("offerer", OffererFactory, "offerer_id")],
)
def test_staff_create_a_fixed_amount_rule_on_an_offer_or_offerer(staff_client, kind, factory, field):
    target = factory()
    response = staff_client.post(
        create_url(),
        form(target_type=kind, target_id=str(target.pk), amount_euros="5,50", valid_until="2026-06-01T00:00"),
    )
    assert response.status_code == 302
    rule = CustomReimbursementRule.objects.get()
    assert (getattr(rule, field), rule.amount_cents, rule.rate) == (target.pk, 550, None)
    assert rule.valid_until == utc(2026, 5, 31, 22, 0)  # summer time by then


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rate_percent": "95", "amount_euros": "5"}, "soit un taux, soit un montant"),
        ({}, "soit un taux, soit un montant"),
        ({"rate_percent": "150"}, "entre 0 et 1"),
        ({"rate_percent": "abc"}, "Le taux doit être un nombre"),
        ({"amount_euros": "-2"}, "positif ou nul"),
        ({"rate_percent": "95", "valid_from": "2026-03-16T00:00"}, "ne peut pas commencer dans le passé"),
        ({"rate_percent": "95", "valid_from": "hier"}, "pas une date valide"),
        ({"rate_percent": "95", "valid_from": ""}, "Indiquez la date de début"),
        ({"rate_percent": "95", "valid_from": "2026-03-29T02:30"}, "n'existe pas à Paris"),
        ({"rate_percent": "95", "valid_until": "2026-03-18T00:00"}, "La date de fin doit être après"),
        ({"rate_percent": "95", "target_id": "999999"}, "Aucun lieu n° 999999"),
        ({"rate_percent": "95", "target_id": "douze"}, "doit être un nombre entier"),
        ({"rate_percent": "95", "target_type": "user"}, "Choisissez une cible"),
    ],
)
def test_refusals_are_shown_in_french_and_keep_the_form(staff_client, overrides, message):
    venue = VenueFactory()
    data = form(**{"target_id": str(venue.pk), "reason": "Garder ce motif", **overrides})
    response = staff_client.post(create_url(), data)
    assert response.status_code == 400
    assert message in text(response)
    assert "Garder ce motif" in text(response)
    assert not CustomReimbursementRule.objects.exists()


def test_an_overlapping_rule_is_refused(staff_client, staff):
    venue = VenueFactory()
    create_custom_rule(staff, venue=venue, rate="0.9", valid_from=utc(2026, 3, 18, 0, 0))
    response = staff_client.post(create_url(), form(target_id=str(venue.pk), rate_percent="80"))
    assert response.status_code == 400
    assert "Une autre règle de remboursement s'applique déjà" in text(response)
    assert CustomReimbursementRule.objects.count() == 1


def test_the_list_separates_current_and_ended_rules(staff_client, staff, time_machine):
    offer = OfferFactory(name="Le Grand Bleu")
    venue = VenueFactory(name="Eden", public_name="")
    ended = create_custom_rule(staff, offer=offer, rate="0.95", valid_from=utc(2026, 3, 18, 0, 0))
    current = create_custom_rule(staff, venue=venue, amount_cents=550, valid_from=utc(2026, 3, 18, 0, 0))
    time_machine.move_to(utc(2026, 3, 20, 0, 0), tick=False)
    staff_client.post(reverse("backoffice:reimbursement-rule-end", args=[ended.pk]))
    content = text(staff_client.get(CREATE))
    current_table = content.split('id="rules-current"')[1].split("</table>")[0]
    ended_table = content.split('id="rules-ended"')[1].split("</table>")[0]
    assert f'data-rule-id="{current.pk}"' in current_table and "Eden" in current_table
    assert "5,50\xa0€ par place" in current_table
    assert f'data-rule-id="{ended.pk}"' in ended_table and "Le Grand Bleu" in ended_table
    assert "95 %" in ended_table
    assert "Terminer" not in ended_table


def test_ending_a_rule_now_or_at_a_date(staff_client, staff, time_machine):
    rule = create_custom_rule(staff, venue=VenueFactory(), rate="0.9", valid_from=NOW)
    response = staff_client.post(
        reverse("backoffice:reimbursement-rule-end", args=[rule.pk]), {"until": "2026-04-01T00:00"}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.valid_until == utc(2026, 3, 31, 22, 0)
    later = utc(2026, 3, 20, 8, 0)
    time_machine.move_to(later, tick=False)
    staff_client.post(reverse("backoffice:reimbursement-rule-end", args=[rule.pk]))
    rule.refresh_from_db()
    assert rule.valid_until == later


@pytest.mark.parametrize(
    ("until", "message"),
    [
        ("2026-03-01T00:00", "La date de fin ne peut pas être dans le passé."),
        ("2026-05-01T00:00", "Cette règle de remboursement est déjà terminée à cette date."),
        ("demain", "pas une date valide"),
    ],
)
def test_ending_refusals_are_shown_in_french(staff_client, staff, until, message):
    rule = create_custom_rule(
        staff, venue=VenueFactory(), rate="0.9", valid_from=NOW, valid_until=utc(2026, 4, 1, 0, 0)
    )
    response = staff_client.post(
        reverse("backoffice:reimbursement-rule-end", args=[rule.pk]), {"until": until}, follow=True
    )
    assert message in text(response)
    rule.refresh_from_db()
    assert rule.valid_until == utc(2026, 4, 1, 0, 0)


def test_ending_an_unknown_rule_says_so(staff_client):
    response = staff_client.post(reverse("backoffice:reimbursement-rule-end", args=[424242]), follow=True)
    assert "Règle de remboursement introuvable." in text(response)


def test_non_staff_see_nothing_and_change_nothing(client, pro, staff):
    rule = create_custom_rule(staff, venue=VenueFactory(), rate="0.9", valid_from=NOW)
    client.force_login(pro)
    response = client.get(CREATE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))
    client.post(
        create_url(), form(target_id=str(rule.venue_id), rate_percent="50", valid_from="2027-01-01T00:00")
    )
    client.post(reverse("backoffice:reimbursement-rule-end", args=[rule.pk]))
    rule.refresh_from_db()
    assert rule.valid_until is None
    assert CustomReimbursementRule.objects.count() == 1


def test_actions_are_post_only(staff_client, staff):
    rule = create_custom_rule(staff, venue=VenueFactory(), rate="0.9", valid_from=NOW)
    assert staff_client.get(create_url()).status_code == 405
    assert staff_client.get(reverse("backoffice:reimbursement-rule-end", args=[rule.pk])).status_code == 405
