"""A batch's files written to a folder in one pass are those `batch_files` and `batch_file` give."""

import pytest

from passculture.core.finance import batches
from passculture.core.finance.batches import batch_file, batch_file_names, batch_files, write_batch_files
from passculture.core.finance.batches import generate_payment_batch as generate
from passculture.core.offerers.factories import VenueFactory
from tests.core.finance.test_batches import CUTOFF, NOW, paid_venue, priced, used


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def batch(db, monkeypatch):
    # Two rows per round trip: the rows of a venue come in several chunks, read ahead by a thread.
    monkeypatch.setattr(batches, "STATEMENT_CHUNK_SIZE", 2)
    eden = paid_venue()
    odd = paid_venue()
    odd.public_name = '=Salle "1"; VO'
    odd.save()
    priced(*[used(eden, 800 + n) for n in range(5)], used(odd, 650, quantity=2), used(odd, 1999))
    return generate(CUTOFF)


@pytest.mark.parametrize("with_pdf", [True, False])
def test_written_files_are_those_built_in_memory(batch, tmp_path, with_pdf):
    expected = batch_files(batch, with_pdf=with_pdf)

    paths = write_batch_files(batch, tmp_path / "lot", with_pdf=with_pdf)

    assert [path.name for path in paths] == [file.name for file in expected]
    assert sorted(path.name for path in (tmp_path / "lot").iterdir()) == sorted(path.name for path in paths)
    for path, file in zip(paths, expected, strict=True):
        assert path.read_bytes() == file.content
    assert any(path.suffix == ".pdf" for path in paths) is with_pdf
    assert [file.name for file in batch_files(batch)] == batch_file_names(batch)


def test_each_file_alone_is_the_same_and_the_accounting_file_is_every_statement_plus_the_bic(batch):
    files = {file.name: file for file in batch_files(batch)}
    for name, file in files.items():
        assert batch_file(batch, name) == file
    accounting = files[f"comptabilite-{CUTOFF:%Y-%m-%d}.csv"].content.decode("utf-8-sig").split("\r\n")
    statements = [
        file.content.decode("utf-8-sig").split("\r\n")[1:-1]
        for name, file in files.items()
        if name.endswith(".csv")
    ]
    rows = [line for lines in statements[1:] for line in lines]
    assert len(accounting) - 2 == len(rows) == 7
    assert '"=Salle ""1""; VO"' not in "".join(rows)  # defused first, then quoted
    assert '"\'=Salle ""1""; VO"' in "".join(rows)


def test_a_venue_without_rows_in_the_batch_has_no_statement(batch):
    assert batch_file(batch, f"releve-{CUTOFF:%Y-%m-%d}-lieu-{VenueFactory().pk}.csv") is None


def test_a_statement_gives_the_price_category_booked_after_the_offer(db):
    venue = paid_venue()
    booking = used(venue, 550, price_category_label="Tarif réduit", stock__offer__name="Orbite")
    legacy = used(venue, 800, stock__offer__name="Sillage")
    priced(booking, legacy)
    rows = [row for _venue, row in batches.statement_rows(generate(CUTOFF))]
    assert sorted(row[2] for row in rows) == ["Orbite (Tarif réduit)", "Sillage"]
