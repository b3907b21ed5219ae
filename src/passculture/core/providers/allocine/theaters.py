"""Staff's import of the Allociné theatre reference list (CSV: siret, theater_id, internal_id).

Policy: the whole import runs in one transaction. Invalid lines (bad SIRET, missing identifier,
duplicate inside the file, identifier already given to another SIRET) are skipped and reported with
their line number; the valid lines are applied. A file that cannot be read (encoding, missing column,
empty) applies nothing, and neither does a file without any valid line. Theatres absent from the file
are kept as they are, unless `replace=True`: then they are deactivated (never deleted), except those
whose SIRET appears on an invalid line, so that a typo never unlists a cinema.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat

from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import now
from passculture.core.offerers.exceptions import InvalidSiret
from passculture.core.offerers.validation import check_siret

from .models import AllocineTheater

REQUIRED_COLUMNS = ("siret", "theater_id", "internal_id")
IDENTIFIER_RE = re.compile(r"^[A-Za-z0-9+/=_-]{1,64}$")


class TheaterFileInvalid(DomainError):
    code = "ALLOCINE_THEATER_FILE_INVALID"
    message = "Le fichier des cinémas AlloCiné est illisible."


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass
class ImportReport:
    replace: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def valid_count(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def applied(self) -> bool:
        return self.valid_count > 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "deactivated": self.deactivated,
            "invalid": len(self.errors),
            "replace": self.replace,
        }


@dataclass
class _Row:
    line: int
    siret: str
    theater_id: str
    internal_id: str


def _read_text(source: str | bytes | IO[Any]) -> str:
    if hasattr(source, "read"):
        source = source.read()
    if isinstance(source, bytes):
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise TheaterFileInvalid(
                "Le fichier n'est pas encodé en UTF-8 (octet invalide en position "
                f"{error.start}) : enregistrez-le en « CSV UTF-8 » puis réessayez."
            ) from None
    assert isinstance(source, str)
    return source.removeprefix("\ufeff")


def _parse(text: str, report: ImportReport) -> tuple[list[_Row], set[str]]:
    """The valid rows, and every valid SIRET mentioned in the file (even on a rejected line)."""
    if not text.strip():
        raise TheaterFileInvalid("Le fichier est vide.")
    first_line = text.lstrip().splitlines()[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[_Row] = []
    mentioned: set[str] = set()
    line_by_siret: dict[str, int] = {}
    line_by_theater_id: dict[str, int] = {}
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if header is None:
                header = [cell.strip().lower() for cell in record]
                missing = [column for column in REQUIRED_COLUMNS if column not in header]
                if missing:
                    raise TheaterFileInvalid(
                        "Colonne(s) manquante(s) dans l'en-tête : "
                        f"{', '.join(missing)}. Colonnes attendues : {', '.join(REQUIRED_COLUMNS)}."
                    )
                positions = {column: header.index(column) for column in REQUIRED_COLUMNS}
                continue
            line = reader.line_num
            values = {
                column: record[index].strip() if index < len(record) else ""
                for column, index in positions.items()
            }
            row = _check_row(line, values, report, mentioned)
            if row is None:
                continue
            if row.siret in line_by_siret:
                report.errors.append(
                    LineError(line, f"SIRET {row.siret} en double (déjà ligne {line_by_siret[row.siret]}).")
                )
                continue
            if row.theater_id in line_by_theater_id:
                report.errors.append(
                    LineError(
                        line,
                        f"Identifiant AlloCiné {row.theater_id} en double "
                        f"(déjà ligne {line_by_theater_id[row.theater_id]}).",
                    )
                )
                continue
            line_by_siret[row.siret] = line
            line_by_theater_id[row.theater_id] = line
            rows.append(row)
    except csv.Error as error:
        raise TheaterFileInvalid(f"Fichier CSV mal formé (ligne {reader.line_num}) : {error}.") from None
    if header is None:
        raise TheaterFileInvalid("Le fichier est vide.")
    return rows, mentioned


def _check_row(line: int, values: dict[str, str], report: ImportReport, mentioned: set[str]) -> _Row | None:
    if not values["siret"]:
        report.errors.append(LineError(line, "SIRET manquant."))
        return None
    try:
        siret = check_siret(values["siret"])
    except InvalidSiret:
        report.errors.append(
            LineError(
                line, f"SIRET « {values['siret']} » invalide (14 chiffres et clé de contrôle attendus)."
            )
        )
        return None
    mentioned.add(siret)
    for column, label in (("theater_id", "Identifiant AlloCiné"), ("internal_id", "Identifiant interne")):
        if not values[column]:
            report.errors.append(LineError(line, f"{label} manquant."))
            return None
        if not IDENTIFIER_RE.match(values[column]):
            report.errors.append(
                LineError(
                    line,
                    f"{label} « {values[column]} » invalide (lettres, chiffres, + / = _ -, 64 caractères au plus).",
                )
            )
            return None
    return _Row(line, siret, values["theater_id"], values["internal_id"])


def import_theaters_csv(
    source: str | bytes | IO[Any], *, actor: Any, replace: bool = False, actor_label: str = ""
) -> ImportReport:
    """Upserts the theatre reference list from a CSV (see the module's policy). Raises
    TheaterFileInvalid when the file itself is unreadable; line errors are in the report."""
    report = ImportReport(replace=replace)
    rows, mentioned = _parse(_read_text(source), report)
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        sirets = [row.siret for row in rows]
        theater_ids = [row.theater_id for row in rows]
        existing = {
            theater.siret: theater
            for theater in AllocineTheater.objects.select_for_update().filter(
                Q(siret__in=sirets) | Q(theater_id__in=theater_ids)
            )
        }
        # An identifier held by a theatre that this file does not re-assign would break uniqueness.
        taken = {t.theater_id: t.siret for t in existing.values() if t.siret not in set(sirets)}
        to_create: list[AllocineTheater] = []
        to_update: list[AllocineTheater] = []
        moving: list[int] = []
        for row in rows:
            if row.theater_id in taken:
                report.errors.append(
                    LineError(
                        row.line,
                        f"Identifiant AlloCiné {row.theater_id} déjà attribué au SIRET {taken[row.theater_id]}.",
                    )
                )
                continue
            theater = existing.get(row.siret)
            if theater is None:
                to_create.append(
                    AllocineTheater(
                        siret=row.siret,
                        theater_id=row.theater_id,
                        internal_id=row.internal_id,
                        imported_by=user,
                    )
                )
            elif (theater.theater_id, theater.internal_id, theater.is_active) == (
                row.theater_id,
                row.internal_id,
                True,
            ):
                report.unchanged += 1
            else:
                if theater.theater_id != row.theater_id:
                    moving.append(theater.pk)
                theater.theater_id, theater.internal_id = row.theater_id, row.internal_id
                theater.is_active, theater.imported_by, theater.updated_at = True, user, now()
                to_update.append(theater)
        report.errors.sort(key=lambda error: error.line)
        report.created, report.updated = len(to_create), len(to_update)
        if not report.applied:
            return report
        # Identifiers may move between theatres of the same file (a corrected list swaps two): free
        # them first so that the unique index never sees two holders in the middle of the update.
        if moving:
            AllocineTheater.objects.filter(pk__in=moving).update(
                theater_id=Concat(Value("~"), Cast("pk", output_field=CharField()))
            )
        AllocineTheater.objects.bulk_update(
            to_update, ["theater_id", "internal_id", "is_active", "imported_by", "updated_at"], batch_size=500
        )
        AllocineTheater.objects.bulk_create(to_create, batch_size=500)
        if replace:
            report.deactivated = (
                AllocineTheater.objects.filter(is_active=True)
                .exclude(siret__in=mentioned)
                .update(is_active=False, updated_at=now())
            )
        log_action("allocine.theaters_imported", actor=actor, actor_label=actor_label, data=report.as_dict())
    return report
