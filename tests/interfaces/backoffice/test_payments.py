"""Back office pages for payment batches (issue 6, point 6): totals, lines, files, sent, errors."""

import datetime as dt

import pytest
from django.urls import reverse

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.models import Booking
from passculture.core.common.models import AuditLog
from passculture.core.finance.batches import (
    batch_file_names,
    batch_files,
    generate_payment_batch,
    mark_line_error,
)
from passculture.core.finance.constants import PaymentBatchStatus, PaymentLineStatus
from passculture.core.finance.factories import IBAN_LA_BANQUE_POSTALE, BankAccountFactory, UsedBookingFactory
from passculture.core.finance.models import PaymentBatch, PaymentLine
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.factories import VenueFactory
from passculture.core.users.factories import StaffFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db

NOW = utc(2026, 3, 17, 6, 0)
CUTOFF = dt.date(2026, 3, 16)
USED_AT = utc(2026, 3, 13, 10, 0)
LONG_AGO = utc(2026, 1, 5, 9, 0)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def staff():
    return StaffFactory()


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def paid_venue(name, **account):
    venue = VenueFactory(name=name, public_name="")
    BankAccountFactory(venue=venue, accepted=True, decided_at=LONG_AGO, **account)
    return venue


@pytest.fixture
def batch():
    eden = paid_venue("Eden")
    lumiere = paid_venue("Lumière", iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
    UsedBookingFactory(stock__offer__venue=eden, amount_cents=800, used_at=USED_AT)
    UsedBookingFactory(stock__offer__venue=eden, amount_cents=1030, quantity=2, used_at=USED_AT)
    UsedBookingFactory(stock__offer__venue=lumiere, amount_cents=650, used_at=USED_AT)
    price_bookings(at=NOW)
    return generate_payment_batch(CUTOFF)


def line_of(batch, name) -> PaymentLine:
    return PaymentLine.objects.get(batch=batch, venue__name=name)


def test_the_list_shows_each_batch_with_its_totals_and_status_counts(staff_client, batch):
    mark_line_error(line_of(batch, "Lumière"), "IBAN clôturé", StaffFactory())
    content = staff_client.get(reverse("backoffice:payment-batches")).content.decode()
    row = content.split(f'data-batch-id="{batch.pk}"')[1].split("</tr>")[0]
    cells = [cell.split(">", 1)[1].split("<")[0] for cell in row.split("<td")[1:]]
    # Lines, bookings, amount (800 + 2 x 1030 + 650), then pending, sent and error line counts.
    assert cells[2:8] == ["2", "3", "35,10\xa0€", "1", "0", "1"]
    assert cells[1] == "pass Culture Pro - remboursement 1ère quinzaine 03-2026"
    assert "16/03/2026" in row


def test_the_queues_page_counts_batches_to_send(staff_client, batch):
    content = staff_client.get(reverse("backoffice:queues")).content.decode()
    assert "Lots de virements à envoyer" in content


def test_the_batch_page_lists_lines_with_masked_ibans_and_every_file(staff_client, batch):
    mark_line_error(line_of(batch, "Lumière"), "IBAN clôturé", StaffFactory())
    content = staff_client.get(reverse("backoffice:payment-batch", args=[batch.pk])).content.decode()
    eden, lumiere = line_of(batch, "Eden"), line_of(batch, "Lumière")
    assert "Eden" in content and eden.venue.offerer.name in content
    assert "•••• 0189" in content and "•••• 2606" in content
    # Never the full IBAN, nor its formatted form.
    assert eden.iban not in content and "FR76 3000" not in content
    assert "IBAN clôturé" in content and "En erreur" in content
    stamp = "2026-03-16"
    for name in (
        f"virements-{stamp}.xml",
        f"comptabilite-{stamp}.csv",
        *(f"releve-{stamp}-lieu-{line.venue_id}.{ext}" for line in (eden, lumiere) for ext in ("csv", "pdf")),
    ):
        assert reverse("backoffice:payment-batch-file", args=[batch.pk, name]) in content
    # Only lines not in error can still be put in error.
    assert content.count("Signaler une erreur") == 2  # one submit + its aria label, for Eden only
    assert "Marquer comme envoyé" in content


def test_the_page_names_exactly_the_files_of_the_batch(batch, staff):
    mark_line_error(line_of(batch, "Eden"), "IBAN clôturé", staff)
    assert batch_file_names(batch) == [file.name for file in batch_files(batch)]
    # Nothing left to transfer: no SEPA file, on the page as in the files.
    mark_line_error(line_of(batch, "Lumière"), "IBAN clôturé", staff)
    assert batch_file_names(batch) == [file.name for file in batch_files(batch)]
    assert not any(name.endswith(".xml") for name in batch_file_names(batch))


@pytest.mark.parametrize(
    ("name", "content_type", "starts_with"),
    [
        ("virements-2026-03-16.xml", "application/xml", b"<?xml"),
        ("comptabilite-2026-03-16.csv", "text/csv", None),
        ("releve-2026-03-16-lieu-{venue}.csv", "text/csv", None),
        ("releve-2026-03-16-lieu-{venue}.pdf", "application/pdf", b"%PDF"),
    ],
)
def test_every_file_downloads_as_an_attachment(staff_client, batch, name, content_type, starts_with):
    name = name.format(venue=line_of(batch, "Eden").venue_id)
    response = staff_client.get(reverse("backoffice:payment-batch-file", args=[batch.pk, name]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    body = response.content
    assert body
    if starts_with:
        assert body.lstrip(b"\xef\xbb\xbf").startswith(starts_with)


def test_an_unknown_file_or_batch_is_404(staff_client, batch):
    url = reverse("backoffice:payment-batch-file", args=[batch.pk, "releve-2026-03-16-lieu-999999.pdf"])
    assert staff_client.get(url).status_code == 404
    url = reverse("backoffice:payment-batch-file", args=[batch.pk + 1000, "comptabilite-2026-03-16.csv"])
    assert staff_client.get(url).status_code == 404
    assert staff_client.get(reverse("backoffice:payment-batch", args=[batch.pk + 1000])).status_code == 404


def test_marking_the_batch_sent_reimburses_its_bookings(staff_client, batch):
    response = staff_client.post(reverse("backoffice:payment-batch-sent", args=[batch.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("backoffice:payment-batch", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == PaymentBatchStatus.SENT
    assert set(Booking.objects.values_list("status", flat=True)) == {BookingStatus.REIMBURSED}
    assert AuditLog.objects.filter(action="payment_batch.sent").count() == 1
    page = staff_client.get(response["Location"]).content.decode()
    assert "Marquer comme envoyé" not in page.split('id="batch-files"')[1]


def test_marking_a_sent_batch_again_is_refused_in_french(staff_client, batch):
    url = reverse("backoffice:payment-batch-sent", args=[batch.pk])
    staff_client.post(url)
    response = staff_client.post(url, follow=True)
    assert "déjà" in response.content.decode()
    assert AuditLog.objects.filter(action="payment_batch.sent").count() == 1


def test_a_line_error_with_a_reason_is_recorded(staff_client, batch):
    line = line_of(batch, "Eden")
    response = staff_client.post(
        reverse("backoffice:payment-line-error", args=[line.pk]), {"reason": "IBAN clôturé"}
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert (line.status, line.error_reason) == (PaymentLineStatus.ERROR, "IBAN clôturé")


@pytest.mark.parametrize("reason", ["", "   ", "x" * 501])
def test_a_line_error_without_a_valid_reason_is_refused(staff_client, batch, reason):
    line = line_of(batch, "Eden")
    response = staff_client.post(
        reverse("backoffice:payment-line-error", args=[line.pk]), {"reason": reason}, follow=True
    )
    assert "motif" in response.content.decode().lower()
    line.refresh_from_db()
    assert line.status == PaymentLineStatus.PENDING


def test_a_line_already_in_error_is_refused(staff_client, batch):
    line = line_of(batch, "Eden")
    url = reverse("backoffice:payment-line-error", args=[line.pk])
    staff_client.post(url, {"reason": "IBAN clôturé"})
    staff_client.post(url, {"reason": "autre"}, follow=True)
    line.refresh_from_db()
    assert line.error_reason == "IBAN clôturé"


def test_actions_are_post_only(staff_client, batch):
    line = line_of(batch, "Eden")
    assert staff_client.get(reverse("backoffice:payment-batch-sent", args=[batch.pk])).status_code == 405
    assert staff_client.get(reverse("backoffice:payment-line-error", args=[line.pk])).status_code == 405


def test_non_staff_see_nothing_and_change_nothing(client, pro, batch):
    client.force_login(pro)
    line = line_of(batch, "Eden")
    for url in (
        reverse("backoffice:payment-batches"),
        reverse("backoffice:payment-batch", args=[batch.pk]),
        reverse("backoffice:payment-batch-file", args=[batch.pk, "comptabilite-2026-03-16.csv"]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    client.post(reverse("backoffice:payment-batch-sent", args=[batch.pk]))
    client.post(reverse("backoffice:payment-line-error", args=[line.pk]), {"reason": "non"})
    assert PaymentBatch.objects.get().status == PaymentBatchStatus.GENERATED
    assert set(PaymentLine.objects.values_list("status", flat=True)) == {PaymentLineStatus.PENDING}


def test_the_pages_query_count_does_not_grow_with_lines_or_batches(
    staff_client, batch, django_assert_max_num_queries
):
    with django_assert_max_num_queries(30) as few:
        staff_client.get(reverse("backoffice:payment-batch", args=[batch.pk]))
        staff_client.get(reverse("backoffice:payment-batches"))
    # An earlier cut-off with more lines (3 venues, 2 bookings each): a second batch in the list.
    for name in ("Rex", "Star", "Vox"):
        venue = paid_venue(name)
        for _ in range(2):
            UsedBookingFactory(stock__offer__venue=venue, amount_cents=700, used_at=utc(2026, 2, 20, 10, 0))
    price_bookings(at=NOW)
    bigger = generate_payment_batch(dt.date(2026, 3, 1))
    assert bigger.lines.count() == 3
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(reverse("backoffice:payment-batch", args=[bigger.pk]))
        staff_client.get(reverse("backoffice:payment-batches"))
