import datetime as dt
import re

import pytest
import xmlschema
from defusedxml.ElementTree import fromstring

from passculture.core.finance.files import (
    Creditor,
    Debtor,
    InvalidTransferAmount,
    MissingBankDetails,
    NoTransfer,
    SepaFileInvalid,
    Transfer,
    build_credit_transfer_file,
    debtor_from_settings,
    group_transfers,
    schema_path,
)
from passculture.core.finance.periods import requested_execution_date, transfer_label

from .conftest import CUTOFF, EDEN_BIC, EDEN_IBAN, LUMIERE_BIC, LUMIERE_IBAN

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}
DEBTOR = Debtor(name="pass Culture", iban="FR7630001000640000001234559", bic="BDFEFRPPCCT")
LABEL = transfer_label(CUTOFF)
CREATED_AT = dt.datetime(2026, 3, 17, 6, 0)
# The EPC's basic Latin character set.
SEPA_CHARACTERS = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]*$")


def build(transfers, **overrides):
    arguments = {
        "debtor": DEBTOR,
        "execution_date": requested_execution_date(CUTOFF),
        "message_id": "PC-20260316",
        "created_at": CREATED_AT,
    }
    arguments.update(overrides)
    return build_credit_transfer_file(transfers, **arguments)


def assert_valid_against_official_xsd(xml: bytes):
    schema = xmlschema.XMLSchema(str(schema_path()))
    schema.validate(xml.decode("utf-8"))


def texts(root, path):
    return [node.text for node in root.findall(path, NS)]


def test_schema_bundled_by_sepaxml_is_the_pain_001_001_03_one():
    assert schema_path().name == "pain.001.001.03.xsd"
    assert "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03" in schema_path().read_text()


def test_lines_are_grouped_into_one_transfer_per_iban_and_bic(make_line):
    lines = [
        make_line(reimbursed_cents=750),
        make_line(creditor="Lumière SAS", iban=LUMIERE_IBAN, bic=LUMIERE_BIC, reimbursed_cents=600),
        make_line(reimbursed_cents=713),
        # same IBAN written with spaces and lower case: the same account
        make_line(iban="fr76 3000 6000 0112 3456 7890 189", reimbursed_cents=37),
        make_line(creditor="Lumière SAS", iban=LUMIERE_IBAN, bic=LUMIERE_BIC, reimbursed_cents=0),
    ]
    transfers = group_transfers(lines, label=LABEL, end_to_end_prefix="PC-20260316")
    assert transfers == [
        Transfer(Creditor("Cinéma L'Éden & Cie", EDEN_IBAN, EDEN_BIC), 1500, LABEL, "PC-20260316-1"),
        Transfer(Creditor("Lumière SAS", LUMIERE_IBAN, LUMIERE_BIC), 600, LABEL, "PC-20260316-2"),
    ]


def test_same_iban_with_another_bic_is_another_transfer(make_line):
    transfers = group_transfers(
        [make_line(), make_line(bic="AGRIFRPPXXX")], label=LABEL, end_to_end_prefix="B"
    )
    assert [(t.creditor.bic, t.amount_cents) for t in transfers] == [("AGRIFRPP", 750), ("AGRIFRPPXXX", 750)]


def test_file_is_valid_and_its_control_sums_equal_the_lines(make_line):
    lines = [make_line(reimbursed_cents=cents) for cents in (750, 713, 690, 1)] + [
        make_line(creditor="Lumière SAS", iban=LUMIERE_IBAN, bic=LUMIERE_BIC, reimbursed_cents=cents)
        for cents in (1200, 1140)
    ]
    xml = build(group_transfers(lines, label=LABEL, end_to_end_prefix="PC-20260316"))
    assert_valid_against_official_xsd(xml)

    root = fromstring(xml)
    total = sum(line.reimbursed_cents for line in lines)
    assert texts(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:NbOfTxs") == ["2"]
    assert texts(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:CtrlSum") == [f"{total / 100:.2f}"]
    assert texts(root, "p:CstmrCdtTrfInitn/p:PmtInf/p:CtrlSum") == [f"{total / 100:.2f}"]
    amounts = texts(root, ".//p:CdtTrfTxInf/p:Amt/p:InstdAmt")
    assert amounts == ["21.54", "23.40"]
    assert round(sum(float(a) for a in amounts) * 100) == total
    assert texts(root, ".//p:CdtTrfTxInf/p:CdtrAcct/p:Id/p:IBAN") == [EDEN_IBAN, LUMIERE_IBAN]
    assert texts(root, ".//p:CdtTrfTxInf/p:CdtrAgt/p:FinInstnId/p:BIC") == [EDEN_BIC, LUMIERE_BIC]
    assert texts(root, ".//p:CdtTrfTxInf/p:PmtId/p:EndToEndId") == ["PC-20260316-1", "PC-20260316-2"]
    assert {node.get("Ccy") for node in root.findall(".//p:InstdAmt", NS)} == {"EUR"}


def test_header_carries_the_batch_id_execution_date_and_debtor(make_line):
    xml = build(group_transfers([make_line()], label=LABEL, end_to_end_prefix="E"))
    root = fromstring(xml)
    assert texts(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:MsgId") == ["PC-20260316"]
    assert texts(root, "p:CstmrCdtTrfInitn/p:GrpHdr/p:CreDtTm") == ["2026-03-17T06:00:00"]
    assert texts(root, ".//p:PmtInf/p:ReqdExctnDt") == ["2026-03-23"]
    assert texts(root, ".//p:PmtInf/p:Dbtr/p:Nm") == ["pass Culture"]
    assert texts(root, ".//p:PmtInf/p:DbtrAcct/p:Id/p:IBAN") == [DEBTOR.iban]
    assert texts(root, ".//p:PmtInf/p:DbtrAgt/p:FinInstnId/p:BIC") == [DEBTOR.bic]


def test_same_batch_gives_the_same_bytes(make_line):
    transfers = group_transfers(
        [make_line(), make_line(iban=LUMIERE_IBAN, bic=LUMIERE_BIC)], label=LABEL, end_to_end_prefix="E"
    )
    assert build(transfers) == build(transfers)


def test_names_and_label_are_transliterated_to_the_sepa_character_set(make_line):
    transfers = group_transfers(
        [make_line(creditor="Cinéma L'Éden & Cie")], label=LABEL, end_to_end_prefix="E"
    )
    xml = build(transfers, debtor=Debtor(name="pass Culture – Ministère", iban=DEBTOR.iban, bic=DEBTOR.bic))
    assert_valid_against_official_xsd(xml)
    root = fromstring(xml)
    assert texts(root, ".//p:Cdtr/p:Nm") == ["Cinema L'Eden + Cie"]
    assert texts(root, ".//p:RmtInf/p:Ustrd") == ["pass Culture Pro - remboursement 1ere quinzaine 03-2026"]
    assert texts(root, ".//p:Dbtr/p:Nm") == ["pass Culture - Ministere"]
    for node in root.iter():
        if node.text and node.text.strip():
            assert SEPA_CHARACTERS.match(node.text), node.text


def test_names_outside_latin_and_too_long_are_kept_readable_and_cut_at_70(make_line):
    name = "Ciné « Łódź » — Ålesund Kinosenter ; société coopérative d'intérêt collectif n°1 @ Paris"
    xml = build(group_transfers([make_line(creditor=name)], label=LABEL, end_to_end_prefix="E"))
    assert_valid_against_official_xsd(xml)
    (written,) = texts(fromstring(xml), ".//p:Cdtr/p:Nm")
    assert written.startswith("Cine Lodz - Alesund Kinosenter")
    assert len(written) <= 70
    assert SEPA_CHARACTERS.match(written)


@pytest.mark.parametrize("amount", [0, -1, -750])
def test_zero_or_negative_amounts_are_refused(amount):
    transfer = Transfer(Creditor("Cinéma L'Éden", EDEN_IBAN, EDEN_BIC), amount, LABEL, "E-1")
    with pytest.raises(InvalidTransferAmount) as error:
        build([transfer])
    assert error.value.code == "INVALID_TRANSFER_AMOUNT"
    assert "strictement positif" in error.value.message
    assert "Cinéma L'Éden" in error.value.message


def test_an_account_whose_lines_sum_to_zero_cannot_be_sent(make_line):
    transfers = group_transfers([make_line(reimbursed_cents=0)], label=LABEL, end_to_end_prefix="E")
    with pytest.raises(InvalidTransferAmount):
        build(transfers)


def test_an_amount_that_is_not_integer_cents_is_refused():
    transfer = Transfer(Creditor("Eden", EDEN_IBAN, EDEN_BIC), 7.5, LABEL, "E-1")  # type: ignore[arg-type]
    with pytest.raises(InvalidTransferAmount):
        build([transfer])


def test_an_empty_file_is_refused():
    with pytest.raises(NoTransfer) as error:
        build([])
    assert error.value.code == "NO_TRANSFER"


def test_a_line_without_bank_details_is_refused(make_line):
    with pytest.raises(MissingBankDetails) as error:
        group_transfers([make_line(iban="", bic="")], label=LABEL, end_to_end_prefix="E")
    assert error.value.code == "MISSING_BANK_DETAILS"


def test_output_is_checked_against_the_schema_before_it_is_returned():
    # A BIC of 3 letters cannot match the XSD pattern: the file is never handed out.
    transfer = Transfer(Creditor("Eden", EDEN_IBAN, "ABC"), 750, LABEL, "E-1")
    with pytest.raises(SepaFileInvalid) as error:
        build([transfer])
    assert error.value.code == "SEPA_FILE_INVALID"


def test_debtor_comes_from_settings(settings):
    settings.SEPA_DEBTOR_NAME = "Ministère de la Culture"
    settings.SEPA_DEBTOR_IBAN = "FR7630001000640000001234559"
    settings.SEPA_DEBTOR_BIC = "BDFEFRPPCCT"
    assert debtor_from_settings() == Debtor(
        "Ministère de la Culture", "FR7630001000640000001234559", "BDFEFRPPCCT"
    )


def test_demo_debtor_defaults_make_a_valid_file(make_line):
    xml = build(
        group_transfers([make_line()], label=LABEL, end_to_end_prefix="E"), debtor=debtor_from_settings()
    )
    assert_valid_against_official_xsd(xml)
