import datetime as dt

import pytest

from passculture.core.common.time import now as utcnow
from passculture.core.finance.constants import PaymentBatchStatus, PaymentLineStatus
from passculture.core.finance.factories import BankAccountFactory
from passculture.core.finance.models import PaymentBatch, PaymentLine
from passculture.core.finance.selectors import (
    count_bank_accounts_waiting,
    count_batches_to_send,
    count_payment_lines_in_error,
)

pytestmark = pytest.mark.django_db


def test_counts_only_submitted_bank_details_still_current():
    BankAccountFactory()
    BankAccountFactory(draft=True)
    BankAccountFactory(accepted=True)
    BankAccountFactory(archived_at=utcnow())
    assert count_bank_accounts_waiting() == 1


def _line(batch, status=PaymentLineStatus.PENDING, **fields):
    account = BankAccountFactory(accepted=True)
    if status == PaymentLineStatus.ERROR:
        fields.update(error_reason="IBAN clôturé", errored_at=utcnow())
    return PaymentLine.objects.create(
        batch=batch,
        venue=account.venue,
        bank_account=account,
        creditor="Cinéma",
        iban=account.iban,
        bic=account.bic,
        amount_cents=800,
        booking_count=1,
        status=status,
        **fields,
    )


def test_counts_only_lines_in_error_not_yet_paid_again():
    first = PaymentBatch.objects.create(cutoff=dt.date(2026, 3, 1), created_at=utcnow())
    second = PaymentBatch.objects.create(cutoff=dt.date(2026, 3, 16), created_at=utcnow())
    _line(first, PaymentLineStatus.ERROR)
    _line(first, PaymentLineStatus.SENT)
    _line(first, PaymentLineStatus.PENDING)
    _line(first, PaymentLineStatus.ERROR, retried_in=_line(second))
    assert count_payment_lines_in_error() == 1


def test_counts_only_batches_not_yet_sent():
    PaymentBatch.objects.create(cutoff=dt.date(2026, 3, 1), created_at=utcnow())
    PaymentBatch.objects.create(
        cutoff=dt.date(2026, 3, 16), created_at=utcnow(), status=PaymentBatchStatus.SENT, sent_at=utcnow()
    )
    assert count_batches_to_send() == 1
