import pytest

from passculture.core.common.exceptions import DomainError
from passculture.core.offerers.constants import MembershipRole, ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offerers.models import Membership
from passculture.core.offerers.selectors import validated_offerer_ids_of
from passculture.core.offerers.services import add_member, create_offerer, create_venue, validate_offerer
from passculture.core.offerers.validation import check_can_act_for_offerer
from passculture.core.users.factories import ProFactory, StaffFactory

pytestmark = pytest.mark.django_db
SIREN = "732829320"
SIRET = "73282932000074"


@pytest.fixture
def offerer():
    return OffererFactory(siren=SIREN)


def _venue(offerer, **fields):
    fields.setdefault("siret", SIRET)
    fields.setdefault("postal_code", "75011")
    fields.setdefault("city", "Paris")
    return create_venue(offerer=offerer, name="Le Lumière", address="1 rue Oberkampf", **fields)


def test_new_offerer_waits_for_staff_validation_and_its_creator_administers_it():
    pro = ProFactory()
    offerer = create_offerer(siren="732 829 320", name=" Cinéma SAS ", creator=pro)
    assert (offerer.siren, offerer.name) == (SIREN, "Cinéma SAS")
    assert offerer.validation_status == ValidationStatus.NEW
    membership = Membership.objects.get(user=pro, offerer=offerer)
    assert membership.role == MembershipRole.ADMIN


def test_offerer_siren_can_be_registered_only_once(offerer):
    with pytest.raises(DomainError) as exc:
        create_offerer(siren=SIREN, name="Doublon")
    assert exc.value.code == "SIREN_ALREADY_REGISTERED"


def test_offerer_with_an_invalid_siren_is_refused():
    with pytest.raises(DomainError) as exc:
        create_offerer(siren="732829321", name="Erreur")
    assert exc.value.code == "INVALID_SIREN"


def test_validating_an_offerer_dates_it():
    offerer = OffererFactory(validation_status=ValidationStatus.NEW)
    validate_offerer(offerer, actor=StaffFactory())
    offerer.refresh_from_db()
    assert offerer.is_validated
    assert offerer.validated_at is not None


def test_venue_timezone_derives_from_postal_code(offerer):
    venue = _venue(offerer, postal_code="97400", city="Saint-Denis")
    assert (venue.department_code, venue.timezone) == ("974", "Indian/Reunion")


def test_venue_in_corsica_is_in_department_2a_and_paris_time(offerer):
    venue = _venue(offerer, postal_code="20000", city="Ajaccio")
    assert (venue.department_code, venue.timezone) == ("2A", "Europe/Paris")


def test_venue_siret_must_belong_to_the_offerer():
    other = OffererFactory()
    with pytest.raises(DomainError) as exc:
        _venue(other)
    assert exc.value.code == "SIRET_NOT_MATCHING_SIREN"


def test_venue_siret_can_be_registered_only_once(offerer):
    _venue(offerer)
    with pytest.raises(DomainError) as exc:
        _venue(offerer)
    assert exc.value.code == "SIRET_ALREADY_REGISTERED"


def test_venue_without_siret_needs_a_reason(offerer):
    with pytest.raises(DomainError) as exc:
        _venue(offerer, siret=None, no_siret_reason="  ")
    assert exc.value.code == "SIRET_OR_REASON_REQUIRED"
    venue = _venue(offerer, siret=None, no_siret_reason="Salle associative")
    assert (venue.siret, venue.no_siret_reason) == (None, "Salle associative")


def test_venue_with_an_invalid_postal_code_is_refused(offerer):
    with pytest.raises(DomainError) as exc:
        _venue(offerer, postal_code="7501")
    assert exc.value.code == "INVALID_POSTAL_CODE"


def test_only_validated_members_act_for_an_offerer():
    venue = VenueFactory()
    pending = MembershipFactory(offerer=venue.offerer, validation_status=ValidationStatus.PENDING).user
    with pytest.raises(DomainError) as exc:
        check_can_act_for_offerer(pending, venue.offerer_id)
    assert exc.value.code == "OFFERER_ACCESS_DENIED"
    add_member(offerer=venue.offerer, user=pending, validated=True)
    check_can_act_for_offerer(pending, venue.offerer_id)
    assert validated_offerer_ids_of(pending) == {venue.offerer_id}


def test_staff_and_the_system_act_for_every_offerer(offerer):
    check_can_act_for_offerer(StaffFactory(), offerer.pk)
    check_can_act_for_offerer(None, offerer.pk)


def test_a_member_of_another_offerer_cannot_act(offerer):
    stranger = MembershipFactory().user
    with pytest.raises(DomainError) as exc:
        check_can_act_for_offerer(stranger, offerer.pk)
    assert exc.value.code == "OFFERER_ACCESS_DENIED"
