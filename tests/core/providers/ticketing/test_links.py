"""Venue ↔ provider links: who may ask, staff decisions, one active link per venue, key isolation."""

import pytest
from django.db import IntegrityError, transaction

from passculture.core.common.models import AuditLog
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.providers.ticketing import links
from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink
from passculture.core.users.factories import ProFactory, StaffFactory
from tests.helpers import error_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def provider_a(db):
    return Provider.objects.create(name="Billetterie A")


@pytest.fixture
def provider_b(db):
    return Provider.objects.create(name="Billetterie B")


@pytest.fixture
def member(db):
    return MembershipFactory()


@pytest.fixture
def venue(member):
    return VenueFactory(offerer=member.offerer)


def test_a_member_asks_and_staff_activate(member, venue, provider_a, staff):
    link = links.request_link(member.user, venue, provider_a, "  CINE-42 ")

    assert (link.status, link.venue_id_at_provider, link.requested_by) == (
        LinkStatus.REQUESTED,
        "CINE-42",
        member.user,
    )
    assert links.pending_links().get() == link
    links.activate_link(staff, link)
    link.refresh_from_db()
    assert (link.status, link.decided_by, link.is_selling) == (LinkStatus.ACTIVE, staff, True)
    assert link.decided_at is not None
    assert list(links.venues_of_provider(provider_a)) == [venue]
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"ticketing_link.requested", "ticketing_link.activated"} <= actions


def test_only_a_validated_member_may_ask(venue, provider_a):
    outsider = MembershipFactory().user
    pending = MembershipFactory(offerer=venue.offerer, validation_status=ValidationStatus.PENDING).user

    assert error_code(links.request_link, outsider, venue, provider_a, "X") == "OFFERER_ACCESS_DENIED"
    assert error_code(links.request_link, pending, venue, provider_a, "X") == "OFFERER_ACCESS_DENIED"
    assert not VenueProviderLink.objects.exists()


@pytest.mark.parametrize("value", ["", "   ", "x" * 71])
def test_the_id_at_the_provider_is_required_and_bounded(member, venue, provider_a, value):
    assert error_code(links.request_link, member.user, venue, provider_a, value) == "INVALID_INPUT"


def test_an_inactive_provider_cannot_be_asked(member, venue, provider_a):
    Provider.objects.filter(pk=provider_a.pk).update(is_active=False)

    assert error_code(links.request_link, member.user, venue, provider_a, "X") == "PROVIDER_NOT_FOUND"


def test_one_open_request_and_one_active_link_per_venue(member, venue, provider_a, provider_b, staff):
    first = links.request_link(member.user, venue, provider_a, "A1")
    assert (
        error_code(links.request_link, member.user, venue, provider_b, "B1")
        == "TICKETING_LINK_ALREADY_REQUESTED"
    )
    links.activate_link(staff, first)
    assert (
        error_code(links.request_link, member.user, venue, provider_b, "B1")
        == "TICKETING_LINK_ALREADY_ACTIVE"
    )
    assert error_code(links.activate_link, staff, first) == "TICKETING_LINK_NOT_PENDING"


def test_the_database_holds_one_active_link_per_venue(venue, provider_a, provider_b):
    VenueProviderLink.objects.create(
        venue=venue, provider=provider_a, venue_id_at_provider="A", status="active"
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        VenueProviderLink.objects.create(
            venue=venue, provider=provider_b, venue_id_at_provider="B", status="active"
        )
    # Stopped and refused links may pile up.
    for status in ("stopped", "stopped", "refused", "refused"):
        VenueProviderLink.objects.create(
            venue=venue, provider=provider_b, venue_id_at_provider="B", status=status
        )


def test_refused_then_asked_again_and_stopped(member, venue, provider_a, provider_b, staff):
    first = links.request_link(member.user, venue, provider_a, "A1")
    assert error_code(links.refuse_link, staff, first, "  ") == "INVALID_INPUT"
    links.refuse_link(staff, first, "Identifiant inconnu chez le logiciel")
    first.refresh_from_db()
    assert (first.status, first.refusal_reason) == (
        LinkStatus.REFUSED,
        "Identifiant inconnu chez le logiciel",
    )
    assert error_code(links.refuse_link, staff, first, "encore") == "TICKETING_LINK_NOT_PENDING"

    second = links.request_link(member.user, venue, provider_b, "B1")
    assert error_code(links.stop_link, staff, second) == "TICKETING_LINK_NOT_ACTIVE"
    links.activate_link(staff, second)
    links.stop_link(staff, second)
    second.refresh_from_db()
    assert (second.status, second.is_selling) == (LinkStatus.STOPPED, False)
    assert links.provider_venue_or_none(provider_b, venue.pk) is None
    assert links.current_link_of_venue(venue.pk) == second
    assert AuditLog.objects.filter(action__startswith="ticketing_link.").count() == 5


def test_decisions_are_for_staff_only(member, venue, provider_a):
    link = links.request_link(member.user, venue, provider_a, "A1")
    for someone in (member.user, ProFactory(), None):
        assert error_code(links.activate_link, someone, link) == "FORBIDDEN"
        assert error_code(links.refuse_link, someone, link, "non") == "FORBIDDEN"
        assert error_code(links.stop_link, someone, link) == "FORBIDDEN"


def test_a_provider_reaches_only_its_own_active_venues(staff, provider_a, provider_b):
    venue_a, venue_b, asked = VenueFactory(), VenueFactory(), VenueFactory()
    for venue, provider in ((venue_a, provider_a), (venue_b, provider_b)):
        links.activate_link(staff, links.request_link(None, venue, provider, f"id-{venue.pk}"))
    links.request_link(None, asked, provider_a, "pending")

    assert links.provider_venue_or_none(provider_a, venue_a.pk) == venue_a
    assert links.provider_venue_or_none(provider_a, venue_b.pk) is None
    assert links.provider_venue_or_none(provider_b, venue_a.pk) is None
    assert links.provider_venue_or_none(provider_a, asked.pk) is None
    assert list(links.venues_of_provider(provider_b)) == [venue_b]
