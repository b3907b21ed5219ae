"""The files of a reimbursement batch, as pure functions over plain dataclasses (no ORM).

- `sepa`: the SEPA credit transfer order for the bank (pain.001.001.03);
- `tables`: the accounting CSV (every line) and each venue's statement CSV;
- `pdf`: each venue's statement as a PDF.
The batch code queries the database, builds `StatementLine`s and hands them over here.
"""

from .exceptions import InvalidTransferAmount, MissingBankDetails, NoTransfer, SepaFileInvalid
from .pdf import statement_pdf
from .sepa import build_credit_transfer_file, debtor_from_settings, group_transfers, schema_path
from .tables import (
    ACCOUNTING_HEADER,
    STATEMENT_HEADER,
    StatementCsvFormatter,
    accounting_csv,
    iter_accounting_csv,
    statement_csv,
)
from .types import (
    Creditor,
    Debtor,
    Party,
    Payee,
    StatementLine,
    StatementRow,
    Transfer,
    VenueStatement,
    line_of,
    row_of,
)

__all__ = [
    "ACCOUNTING_HEADER",
    "STATEMENT_HEADER",
    "Creditor",
    "Debtor",
    "InvalidTransferAmount",
    "MissingBankDetails",
    "NoTransfer",
    "Party",
    "Payee",
    "SepaFileInvalid",
    "StatementCsvFormatter",
    "StatementLine",
    "StatementRow",
    "Transfer",
    "VenueStatement",
    "accounting_csv",
    "build_credit_transfer_file",
    "debtor_from_settings",
    "group_transfers",
    "iter_accounting_csv",
    "line_of",
    "row_of",
    "schema_path",
    "statement_csv",
    "statement_pdf",
]
