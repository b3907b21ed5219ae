"""Pro "Remboursements" pages: batches received, statements (owner checks) and the live ledger."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from passculture.core.finance.batches import generate_payment_batch, mark_batch_sent, mark_line_error
from passculture.core.finance.factories import IBAN_LA_BANQUE_POSTALE, BankAccountFactory, UsedBookingFactory
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.users.factories import ProFactory, StaffFactory
from passculture.interfaces.pro.templatetags.pro_reimbursements import rate_percent
from tests.conftest import utc
from tests.core.finance import reimbursement_scenario as scenario

pytestmark = pytest.mark.django_db

NOW = utc(2026, 3, 17, 6, 0)
CUTOFF = dt.date(2026, 3, 16)
LONG_AGO = utc(2026, 1, 5, 9, 0)


@pytest.fixture(autouse=True)
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def logged_pro(client, pro):
    client.force_login(pro)
    return client


def pay(*venues):
    """A batch of the 16 March cut-off paying one 8 EUR booking per venue."""
    bookings = []
    for venue in venues:
        BankAccountFactory(venue=venue, accepted=True, decided_at=LONG_AGO)
        bookings.append(
            UsedBookingFactory(stock__offer__venue=venue, amount_cents=800, used_at=utc(2026, 3, 10, 12, 0))
        )
    price_bookings(at=NOW)
    return generate_payment_batch(CUTOFF), bookings


def statement_url(name, batch, venue):
    return reverse(name, args=[batch.pk, venue.pk])


@pytest.mark.parametrize("name", ["pro:reimbursements", "pro:venue-ledger"])
def test_pages_require_login(client, venue, name):
    url = reverse(name, args=[venue.pk]) if name == "pro:venue-ledger" else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("pro:login") in response["Location"]


def test_the_list_shows_the_offerers_venues_only(logged_pro, venue):
    other = VenueFactory()
    batch, _ = pay(venue, other)
    mark_batch_sent(batch, StaffFactory())

    response = logged_pro.get(reverse("pro:reimbursements"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "23/03/2026" in body  # the 16 March cut-off's transfer, sent
    assert "remboursement 1ère quinzaine 03-2026" in body
    assert '<td class="pro-nowrap">8\u00a0€</td>' in body
    assert statement_url("pro:statement-csv", batch, venue) in body
    assert statement_url("pro:statement-pdf", batch, venue) in body
    assert statement_url("pro:statement-csv", batch, other) not in body
    assert other.display_name not in body
    assert reverse("pro:venue-ledger", args=[venue.pk]) in body


def section(body: str, section_id: str) -> str:
    start = body.index(f'<section id="{section_id}"')
    return body[start : body.index("</section>", start)]


@pytest.fixture
def cinema(time_machine, client):
    built = scenario.build(time_machine)
    user = ProFactory()
    MembershipFactory(user=user, offerer=built.offerer)
    client.force_login(user)
    return built


def test_a_batch_not_sent_is_the_next_transfer_not_a_transfer_sent(client, cinema):
    """The issue's contradiction: 142 EUR made but not sent were listed among the transfers received."""
    logged_pro = client
    body = logged_pro.get(reverse("pro:reimbursements")).content.decode()
    next_transfer = section(body, "next-transfer")
    assert "142\u00a0€ le lundi 23 mars 2026" in next_transfer
    assert "En cours d&#x27;envoi" in next_transfer or "En cours d'envoi" in next_transfer
    assert "6,50\u00a0€" in next_transfer and "8 avril 2026" in next_transfer
    sent = section(body, "sent-transfers")
    assert "142" not in sent
    assert "08/03/2026" in sent and "80\u00a0€" in sent
    waiting = section(body, "waiting")
    assert 'data-reason="NOT_VALIDATED"' in waiting
    assert reverse("pro:bank-account", args=[cinema.part_dieu.pk]) in waiting
    statements = section(body, "statements")
    for batch in (cinema.sent_batch, cinema.sending_batch):
        assert statement_url("pro:statement-pdf", batch, cinema.bellecour) in statements
    assert (
        'aria-label="Relevé du 1er au 15 mars 2026 — Ciné Lumière Bellecour, format PDF">PDF</a>'
        in statements
    )
    ledger = logged_pro.get(reverse("pro:venue-ledger", args=[cinema.bellecour.pk])).content.decode()
    assert "Rien à virer" not in ledger
    assert 'data-state="SENDING"' in section(ledger, "next-transfer")


def test_the_menu_has_remboursements(logged_pro):
    body = logged_pro.get(reverse("pro:reimbursements")).content.decode()
    assert 'href="/pro/remboursements/"' in body


def test_statement_csv_holds_only_the_venues_bookings(logged_pro, venue):
    batch, (mine, theirs) = pay(venue, VenueFactory())

    response = logged_pro.get(statement_url("pro:statement-csv", batch, venue))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert f"releve-2026-03-16-lieu-{venue.pk}.csv" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    assert mine.token in text
    assert theirs.token not in text
    assert len(list(csv.reader(io.StringIO(text), delimiter=";"))) >= 2


def test_statement_pdf_is_a_pdf(logged_pro, venue):
    batch, _ = pay(venue)
    response = logged_pro.get(statement_url("pro:statement-pdf", batch, venue))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["pro:statement-csv", "pro:statement-pdf"])
def test_another_offerers_statement_is_a_404(logged_pro, venue, name):
    other = VenueFactory()
    batch, _ = pay(venue, other)
    assert logged_pro.get(statement_url(name, batch, other)).status_code == 404


def test_a_statement_of_a_batch_that_did_not_pay_the_venue_is_a_404(logged_pro, venue):
    own_unpaid = VenueFactory(offerer=venue.offerer)
    batch, _ = pay(venue)
    assert logged_pro.get(statement_url("pro:statement-csv", batch, own_unpaid)).status_code == 404
    assert logged_pro.get(reverse("pro:statement-csv", args=[batch.pk + 999, venue.pk])).status_code == 404


def test_a_statement_stays_the_same_after_its_failed_transfer_is_paid_again(
    logged_pro, pro, venue, time_machine
):
    staff = StaffFactory()
    first, (booking,) = pay(venue)
    mark_batch_sent(first, staff)
    time_machine.move_to(utc(2026, 3, 20, 10, 0), tick=False)
    mark_line_error(first.lines.get(), "IBAN clôturé", staff)
    venue.bank_accounts.update(archived_at=utc(2026, 3, 21))
    BankAccountFactory(
        venue=venue, iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP", accepted=True, decided_at=utc(2026, 3, 22)
    )
    time_machine.move_to(utc(2026, 4, 2, 6, 0), tick=False)
    retry = generate_payment_batch(dt.date(2026, 4, 1))
    logged_pro.force_login(pro)  # two weeks later: a new session

    def statement(batch):
        response = logged_pro.get(statement_url("pro:statement-csv", batch, venue))
        assert response.status_code == 200
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))

    # The first batch's statement still lists the booking (with its line's status), the retry's too.
    assert [(row["Contremarque"], row["Statut"]) for row in statement(first)] == [
        (booking.token, "En erreur")
    ]
    assert [(row["Contremarque"], row["Statut"]) for row in statement(retry)] == [
        (booking.token, "En cours d'envoi")
    ]
    assert logged_pro.get(statement_url("pro:statement-pdf", first, venue)).status_code == 200
    # The ledger shows the booking in the transfer paying it now.
    body = logged_pro.get(reverse("pro:venue-ledger", args=[venue.pk])).content.decode()
    assert "clôture du 01/04/2026" in body
    assert "clôture du 16/03/2026" not in body


def test_the_ledger_shows_revenue_rates_waiting_and_next_transfer(logged_pro, venue):
    BankAccountFactory(venue=venue, accepted=True, decided_at=LONG_AGO)
    booking = UsedBookingFactory(
        stock__offer__venue=venue, amount_cents=1250, used_at=utc(2026, 3, 10, 12, 0)
    )
    price_bookings(at=NOW)

    response = logged_pro.get(reverse("pro:venue-ledger", args=[venue.pk]))

    assert response.status_code == 200
    body = response.content.decode()
    assert "12,50\u00a0€" in body
    assert "100\u00a0%" in body
    assert booking.token in body
    assert "23/03/2026" in body  # 16 March cut-off + 7 days
    assert 'data-reason="NEXT_CUTOFF"' in body
    assert "Jusqu'à 20\u202f000\u00a0€" in body.replace("&#x27;", "'")


def test_the_ledger_warns_without_accepted_bank_details(logged_pro, venue):
    response = logged_pro.get(reverse("pro:venue-ledger", args=[venue.pk]))
    assert response.status_code == 200
    assert "coordonnées bancaires du lieu ne sont pas validées" in response.content.decode()


def test_another_offerers_ledger_is_a_404(logged_pro):
    assert logged_pro.get(reverse("pro:venue-ledger", args=[VenueFactory().pk])).status_code == 404


def test_a_non_validated_member_sees_nothing(client, venue):
    pending = ProFactory()
    MembershipFactory(user=pending, offerer=venue.offerer, validation_status=ValidationStatus.PENDING)
    client.force_login(pending)
    batch, _ = pay(venue)
    assert client.get(reverse("pro:venue-ledger", args=[venue.pk])).status_code == 404
    assert client.get(statement_url("pro:statement-csv", batch, venue)).status_code == 404


@pytest.mark.parametrize(
    ("rate", "shown"), [(Decimal("0.925"), "92,5\u00a0%"), (Decimal("1.0000"), "100\u00a0%"), (None, "")]
)
def test_rates_are_shown_in_french_without_rounding(rate, shown):
    assert rate_percent(rate) == shown


def test_a_new_offerer_sees_every_part_empty_and_what_blocks_it(logged_pro, venue):
    body = logged_pro.get(reverse("pro:reimbursements")).content.decode()
    assert 'id="no-transfer"' in body
    assert 'id="no-payments"' in body and 'id="no-statements"' in body
    assert reverse("pro:bank-account", args=[venue.pk]) in section(body, "waiting")
    assert "<h3" not in body  # one heading level at a time: h1 then h2 only


@pytest.mark.parametrize(
    "query", [{"page": "abc", "releves": "-1"}, {"page": "999999", "releves": "x" * 5000}]
)
def test_bad_page_numbers_show_a_page(logged_pro, venue, query):
    batch, _ = pay(venue)
    mark_batch_sent(batch, StaffFactory())
    response = logged_pro.get(reverse("pro:reimbursements"), query)
    assert response.status_code == 200
    assert statement_url("pro:statement-pdf", batch, venue) in response.content.decode()


def test_the_older_transfers_link_keeps_the_statements_page(logged_pro, venue, time_machine):
    BankAccountFactory(venue=venue, accepted=True, decided_at=utc(2024, 12, 1, 9, 0))
    staff = StaffFactory()
    cutoffs = [dt.date(2025, month, day) for month in range(1, 8) for day in (1, 16)]
    for cutoff in cutoffs:
        time_machine.move_to(utc(cutoff.year, cutoff.month, cutoff.day, 6, 0), tick=False)
        UsedBookingFactory(stock__offer__venue=venue, amount_cents=800, used_at=utc(2024, 12, 20, 12, 0))
        price_bookings()
        mark_batch_sent(generate_payment_batch(cutoff), staff)
    time_machine.move_to(NOW, tick=False)

    body = logged_pro.get(reverse("pro:reimbursements"), {"releves": "2"}).content.decode()

    assert section(body, "sent-transfers").count("<tr data-batch-id=") == 12
    assert section(body, "statements").count("<tr data-batch-id=") == 6
    assert "?page=2&amp;releves=2#sent-transfers" in body
    assert "?releves=1&amp;page=1#statements" in body
