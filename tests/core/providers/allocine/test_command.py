import io

import pytest
from django.core.management import CommandError, call_command
from stdnum import luhn

from passculture.core.common.models import AuditLog
from passculture.core.providers.allocine.models import AllocineTheater

pytestmark = pytest.mark.django_db


def siret(n: int) -> str:
    base = f"732829320{n:04d}"
    return base + luhn.calc_check_digit(base)


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("allocine", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_theaters_prints_the_report_and_lists_invalid_lines(tmp_path):
    path = tmp_path / "cinemas.csv"
    path.write_text(f"siret;theater_id;internal_id\n{siret(1)};P0001;C1\n123;P0002;C2\n", encoding="utf-8")
    out, err = run("import-theaters", str(path))
    assert "Cinémas créés : 1" in out
    assert "Ligne 3 : SIRET « 123 » invalide" in err
    assert AllocineTheater.objects.get().siret == siret(1)
    assert AuditLog.objects.get(action="allocine.theaters_imported").actor_label.startswith("commande")


def test_import_theaters_replace_flag_deactivates_absent_theaters(tmp_path):
    AllocineTheater.objects.create(siret=siret(1), theater_id="P0001", internal_id="C1")
    path = tmp_path / "cinemas.csv"
    path.write_text(f"siret,theater_id,internal_id\n{siret(2)},P0002,C2\n", encoding="utf-8")
    out, _ = run("import-theaters", str(path), "--replace")
    assert "désactivés : 1" in out
    assert not AllocineTheater.objects.get(siret=siret(1)).is_active


def test_import_theaters_fails_on_an_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        run("import-theaters", str(tmp_path / "absent.csv"))


def test_import_theaters_fails_on_a_file_without_the_columns(tmp_path):
    path = tmp_path / "cinemas.csv"
    path.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Colonne"):
        run("import-theaters", str(path))


def test_import_theaters_fails_when_no_line_is_valid(tmp_path):
    path = tmp_path / "cinemas.csv"
    path.write_text("siret;theater_id;internal_id\n123;P0001;C1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Aucune ligne valide"):
        run("import-theaters", str(path))
    assert not AllocineTheater.objects.exists()
