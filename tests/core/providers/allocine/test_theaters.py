import pytest
from stdnum import luhn

from passculture.core.common.models import AuditLog
from passculture.core.offerers.factories import VenueFactory
from passculture.core.providers.allocine.models import AllocineTheater
from passculture.core.providers.allocine.selectors import theater_for_siret, venue_allocine_eligibility
from passculture.core.providers.allocine.theaters import TheaterFileInvalid, import_theaters_csv
from passculture.core.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


def siret(n: int) -> str:
    base = f"732829320{n:04d}"
    return base + luhn.calc_check_digit(base)


def csv_text(*lines: str, separator: str = ";") -> str:
    header = separator.join(["siret", "theater_id", "internal_id"])
    return "\n".join([header, *lines]) + "\n"


def theater(n: int, theater_id: str | None = None, **kwargs) -> AllocineTheater:
    return AllocineTheater.objects.create(
        siret=siret(n), theater_id=theater_id or f"P{n:04d}", internal_id=f"I{n}", **kwargs
    )


@pytest.fixture
def staff():
    return StaffFactory()


def test_semicolon_separated_file_creates_theaters(staff):
    report = import_theaters_csv(csv_text(f"{siret(1)};P0001;C0001", f"{siret(2)};P0002;C0002"), actor=staff)
    assert (report.created, report.errors) == (2, [])
    created = AllocineTheater.objects.get(siret=siret(1))
    assert (created.theater_id, created.internal_id, created.is_active, created.imported_by) == (
        "P0001",
        "C0001",
        True,
        staff,
    )


def test_comma_separated_file_is_accepted(staff):
    report = import_theaters_csv(csv_text(f"{siret(1)},UDA2NDU=,P0645", separator=","), actor=staff)
    assert report.created == 1
    assert AllocineTheater.objects.get().theater_id == "UDA2NDU="


def test_utf8_bom_bytes_are_accepted(staff):
    content = ("\ufeff" + csv_text(f"{siret(1)};P0001;C0001")).encode("utf-8")
    assert import_theaters_csv(content, actor=staff).created == 1


def test_a_file_not_in_utf8_is_refused_in_french(staff):
    content = csv_text(f"{siret(1)};Pé01;C0001").encode("latin-1")
    with pytest.raises(TheaterFileInvalid, match="UTF-8"):
        import_theaters_csv(content, actor=staff)


def test_a_siret_with_a_bad_checksum_is_reported_with_its_line(staff):
    bad = siret(2)[:-1] + str((int(siret(2)[-1]) + 1) % 10)
    report = import_theaters_csv(csv_text(f"{siret(1)};P0001;C0001", f"{bad};P0002;C0002"), actor=staff)
    assert report.created == 1
    assert [(error.line, "SIRET" in error.message) for error in report.errors] == [(3, True)]
    assert not AllocineTheater.objects.filter(theater_id="P0002").exists()


def test_a_line_without_identifier_is_reported(staff):
    report = import_theaters_csv(csv_text(f"{siret(1)};;C0001"), actor=staff)
    assert report.errors[0].message == "Identifiant AlloCiné manquant."
    assert not report.applied


def test_a_siret_twice_in_the_file_keeps_the_first_line_and_reports_the_second(staff):
    report = import_theaters_csv(csv_text(f"{siret(1)};P0001;C0001", f"{siret(1)};P0009;C0009"), actor=staff)
    assert report.created == 1
    assert AllocineTheater.objects.get().theater_id == "P0001"
    assert report.errors[0].line == 3
    assert "en double (déjà ligne 2)" in report.errors[0].message


def test_a_theater_id_twice_in_the_file_is_reported(staff):
    report = import_theaters_csv(csv_text(f"{siret(1)};P0001;C0001", f"{siret(2)};P0001;C0002"), actor=staff)
    assert report.created == 1
    assert "Identifiant AlloCiné P0001 en double" in report.errors[0].message


def test_a_theater_id_held_by_another_siret_not_in_the_file_is_reported(staff):
    theater(1, "P0001")
    report = import_theaters_csv(csv_text(f"{siret(2)};P0001;C0002"), actor=staff)
    assert report.created == 0
    assert f"déjà attribué au SIRET {siret(1)}" in report.errors[0].message


def test_two_theaters_may_swap_identifiers_in_one_file(staff):
    theater(1, "P0001")
    theater(2, "P0002")
    report = import_theaters_csv(csv_text(f"{siret(1)};P0002;I1", f"{siret(2)};P0001;I2"), actor=staff)
    assert (report.updated, report.errors) == (2, [])
    assert theater_for_siret(siret(1)).theater_id == "P0002"
    assert theater_for_siret(siret(2)).theater_id == "P0001"


def test_a_missing_column_refuses_the_whole_file(staff):
    with pytest.raises(TheaterFileInvalid, match="internal_id"):
        import_theaters_csv(f"siret;theater_id\n{siret(1)};P0001\n", actor=staff)
    assert not AllocineTheater.objects.exists()


def test_an_empty_file_is_refused(staff):
    with pytest.raises(TheaterFileInvalid, match="vide"):
        import_theaters_csv(b"", actor=staff)


def test_a_header_without_rows_applies_nothing(staff):
    report = import_theaters_csv(csv_text(), actor=staff)
    assert not report.applied
    assert not AuditLog.objects.filter(action="allocine.theaters_imported").exists()


def test_reimport_counts_created_updated_and_unchanged(staff):
    theater(1, "P0001")
    theater(2, "P0002")
    report = import_theaters_csv(
        csv_text(f"{siret(1)};P0001;I1", f"{siret(2)};P0002;NEW", f"{siret(3)};P0003;I3"), actor=staff
    )
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    assert theater_for_siret(siret(2)).internal_id == "NEW"


def test_theaters_absent_from_the_file_stay_active_without_replace(staff):
    theater(1)
    report = import_theaters_csv(csv_text(f"{siret(2)};P0002;I2"), actor=staff)
    assert report.deactivated == 0
    assert AllocineTheater.objects.get(siret=siret(1)).is_active


def test_replace_deactivates_theaters_absent_from_the_file_without_deleting_them(staff):
    theater(1)
    theater(2)
    report = import_theaters_csv(csv_text(f"{siret(2)};P0002;I2"), actor=staff, replace=True)
    assert report.deactivated == 1
    assert not AllocineTheater.objects.get(siret=siret(1)).is_active
    assert AllocineTheater.objects.count() == 2


def test_replace_keeps_a_theater_whose_siret_is_on_an_invalid_line(staff):
    theater(1)
    report = import_theaters_csv(
        csv_text(f"{siret(1)};;I1", f"{siret(2)};P0002;I2"), actor=staff, replace=True
    )
    assert report.deactivated == 0
    assert AllocineTheater.objects.get(siret=siret(1)).is_active


def test_replace_with_no_valid_line_deactivates_nothing(staff):
    theater(1)
    report = import_theaters_csv(csv_text("123;P0002;I2"), actor=staff, replace=True)
    assert report.deactivated == 0
    assert AllocineTheater.objects.get().is_active


def test_a_deactivated_theater_listed_again_is_reactivated(staff):
    theater(1, is_active=False)
    report = import_theaters_csv(csv_text(f"{siret(1)};P0001;I1"), actor=staff)
    assert report.updated == 1
    assert theater_for_siret(siret(1)) is not None


def test_the_import_is_audit_logged_with_its_counts(staff):
    theater(1)
    import_theaters_csv(csv_text(f"{siret(2)};P0002;I2", "bad;P0003;I3"), actor=staff, replace=True)
    log = AuditLog.objects.get(action="allocine.theaters_imported")
    assert log.actor == staff
    assert log.data == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "deactivated": 1,
        "invalid": 1,
        "replace": True,
    }


def test_theater_for_siret_ignores_deactivated_theaters():
    theater(1, is_active=False)
    assert theater_for_siret(siret(1)) is None


def test_a_venue_whose_siret_is_listed_is_eligible():
    listed = theater(1, "P0645")
    venue = VenueFactory(offerer__siren="732829320", siret=siret(1))
    eligible, found, message = venue_allocine_eligibility(venue)
    assert (eligible, found) == (True, listed)
    assert "identifiant P0645" in message


def test_a_venue_whose_siret_is_not_listed_is_told_whom_to_contact(settings):
    settings.PASSCULTURE_SUPPORT_PRO_EMAIL = "aide@example.org"
    theater(1, is_active=False)
    venue = VenueFactory(offerer__siren="732829320", siret=siret(1))
    eligible, found, message = venue_allocine_eligibility(venue)
    assert (eligible, found) == (False, None)
    assert "ne figure pas dans la liste" in message
    assert "aide@example.org" in message


def test_a_venue_without_siret_gets_its_own_message():
    venue = VenueFactory(siret=None, no_siret_reason="Cinéma itinérant")
    eligible, found, message = venue_allocine_eligibility(venue)
    assert (eligible, found) == (False, None)
    assert message.startswith("Ce lieu n'a pas de SIRET")
