"""SEPA credit transfer files (pain.001.001.03) built with sepaxml, one transfer per bank account.

The file is deterministic: the same batch gives the same bytes (message id, payment information id and
creation time come from the caller), so regenerating a batch's files never creates a second, different
order for the bank.
"""

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sepaxml import SepaTransfer

from passculture.core.common.money import Cents

from .exceptions import InvalidTransferAmount, MissingBankDetails, NoTransfer, SepaFileInvalid
from .text import compact_iban, sepa_text
from .types import Creditor, Debtor, StatementLine, Transfer

SCHEMA = "pain.001.001.03"
CURRENCY = "EUR"
NAME_MAX_LENGTH = 70
LABEL_MAX_LENGTH = 140
ID_MAX_LENGTH = 35


def schema_path() -> Path:
    """The official XSD bundled with sepaxml."""
    import sepaxml

    return Path(sepaxml.__file__).parent / "schemas" / f"{SCHEMA}.xsd"


def group_transfers(lines: Iterable[StatementLine], *, label: str, end_to_end_prefix: str) -> list[Transfer]:
    """One transfer per IBAN + BIC, amount = the sum of its lines' reimbursed amounts.

    The creditor name is the offerer's (the first line's when, oddly, two offerers share an account).
    Transfers come in the order of their account's first line; end-to-end ids are `<prefix>-<n>`.
    Lines reimbursed 0 € (a digital offer, a 0 % custom rule) add nothing; an account whose sum is not
    positive is refused, because a SEPA transfer cannot carry it.
    """
    totals: dict[tuple[str, str], Cents] = {}
    names: dict[tuple[str, str], str] = {}
    for line in lines:
        iban, bic = compact_iban(line.iban), line.bic.strip().upper()
        if not iban or not bic:
            raise MissingBankDetails(countermark=line.countermark)
        key = (iban, bic)
        names.setdefault(key, line.creditor)
        totals[key] = totals.get(key, 0) + line.reimbursed_cents
    transfers = []
    for number, (key, amount) in enumerate(totals.items(), start=1):
        iban, bic = key
        transfers.append(
            Transfer(
                creditor=Creditor(name=names[key], iban=iban, bic=bic),
                amount_cents=amount,
                label=label,
                end_to_end_id=f"{end_to_end_prefix}-{number}",
            )
        )
    return transfers


class _DeterministicTransfer(SepaTransfer):
    """sepaxml draws random message and payment-information ids and stamps the local time: we set them."""

    def __init__(self, config: dict[str, Any], *, message_id: str, created_at: dt.datetime) -> None:
        self._fixed_message_id = message_id
        self._fixed_created_at = created_at
        super().__init__(config, schema=SCHEMA, clean=False)

    def _create_header(self) -> None:
        self.msg_id = self._fixed_message_id
        super()._create_header()
        header = self._xml.find("CstmrCdtTrfInitn/GrpHdr")
        header.find("CreDtTm").text = self._fixed_created_at.strftime("%Y-%m-%dT%H:%M:%S")

    def _finalize_batch(self) -> None:
        super()._finalize_batch()
        for number, node in enumerate(self._xml.iter("PmtInfId"), start=1):
            node.text = sepa_text(f"{self._fixed_message_id}-{number}", ID_MAX_LENGTH)


def build_credit_transfer_file(
    transfers: Iterable[Transfer],
    *,
    debtor: Debtor,
    execution_date: dt.date,
    message_id: str,
    created_at: dt.datetime,
) -> bytes:
    """The pain.001.001.03 XML (UTF-8 bytes), checked against the official XSD before it is returned.

    Names and labels are transliterated to the SEPA character set (`Cinéma L'Éden & Cie` ->
    `Cinema L'Eden + Cie`). A zero or negative amount is refused: a bank would reject the whole file.
    `created_at` is written as given (pass UTC or Paris time, aware or naive: only the wall clock shows).
    """
    transfers = list(transfers)
    if not transfers:
        raise NoTransfer()
    for transfer in transfers:
        if not isinstance(transfer.amount_cents, int) or transfer.amount_cents <= 0:
            raise InvalidTransferAmount(
                f"Montant de virement invalide pour {transfer.creditor.name} "
                f"({transfer.amount_cents} centimes) : un virement SEPA porte sur un montant strictement positif.",
                creditor=transfer.creditor.name,
                amount_cents=transfer.amount_cents,
            )
        if not compact_iban(transfer.creditor.iban) or not transfer.creditor.bic.strip():
            raise MissingBankDetails(creditor=transfer.creditor.name)

    config = {
        "name": sepa_text(debtor.name, NAME_MAX_LENGTH),
        "IBAN": compact_iban(debtor.iban),
        "BIC": debtor.bic.strip().upper(),
        "batch": True,
        "currency": CURRENCY,
    }
    document = _DeterministicTransfer(
        config, message_id=sepa_text(message_id, ID_MAX_LENGTH), created_at=created_at
    )
    for transfer in transfers:
        document.add_payment(
            {
                "name": sepa_text(transfer.creditor.name, NAME_MAX_LENGTH),
                "IBAN": compact_iban(transfer.creditor.iban),
                "BIC": transfer.creditor.bic.strip().upper(),
                "amount": transfer.amount_cents,
                "execution_date": execution_date,
                "description": sepa_text(transfer.label, LABEL_MAX_LENGTH),
                "endtoend_id": sepa_text(transfer.end_to_end_id, ID_MAX_LENGTH),
            }
        )
    from sepaxml.validation import ValidationError

    try:
        return document.export(validate=True)
    except ValidationError as error:
        raise SepaFileInvalid(detail=str(error.__cause__ or error)) from error


def debtor_from_settings() -> Debtor:
    """pass Culture's own account, from SEPA_DEBTOR_NAME / SEPA_DEBTOR_IBAN / SEPA_DEBTOR_BIC."""
    from django.conf import settings

    return Debtor(
        name=settings.SEPA_DEBTOR_NAME, iban=settings.SEPA_DEBTOR_IBAN, bic=settings.SEPA_DEBTOR_BIC
    )
