"""One offerer's reimbursements in every state, shared by the selector tests and the pro page tests.

At NOW (17 March 2026, 07:00 Paris), the offerer "Lumière Bellecour SAS" has:
- Ciné Lumière Bellecour (bank details accepted long ago):
  - 80 EUR sent by the 1 March batch (two bookings of 20 February), execution date 8 March;
  - 142 EUR in the 16 March batch, made and not sent to the bank yet ("En cours d'envoi", 23 March):
    the issue's contradiction;
  - 6.50 EUR validated this morning, after the cut-off: "À venir" on 8 April (cut-off 1 April);
  - a 12 EUR booking not validated at the counter yet ("En attente").
- Ciné Lumière Part-Dieu (bank details pending): 9 EUR priced, "Bloqué" until they are accepted.
"""

import datetime as dt
from dataclasses import dataclass

from passculture.core.bookings.factories import BookingFactory
from passculture.core.finance.batches import generate_payment_batch, mark_batch_sent
from passculture.core.finance.factories import BankAccountFactory, UsedBookingFactory
from passculture.core.finance.models import PaymentBatch
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.factories import OffererFactory, VenueFactory
from passculture.core.offerers.models import Offerer, Venue
from passculture.core.users.factories import StaffFactory
from tests.conftest import utc

NOW = utc(2026, 3, 17, 6, 0)
SENT_CUTOFF = dt.date(2026, 3, 1)
SENDING_CUTOFF = dt.date(2026, 3, 16)
NEXT_CUTOFF = dt.date(2026, 4, 1)


@dataclass
class Scenario:
    offerer: Offerer
    bellecour: Venue
    part_dieu: Venue
    sent_batch: PaymentBatch
    sending_batch: PaymentBatch
    tokens: dict[str, str]


def build(time_machine, *, tick: bool = False) -> Scenario:
    """Builds the scenario, leaving the clock at NOW."""
    time_machine.move_to(utc(2026, 3, 2, 6, 0), tick=False)
    offerer = OffererFactory(name="Lumière Bellecour SAS")
    bellecour = VenueFactory(offerer=offerer, name="Ciné Lumière Bellecour", public_name="")
    part_dieu = VenueFactory(offerer=offerer, name="Ciné Lumière Part-Dieu", public_name="")
    BankAccountFactory(venue=bellecour, accepted=True, decided_at=utc(2026, 1, 5, 9, 0))
    BankAccountFactory(venue=part_dieu)  # submitted, waiting for staff

    def used(venue, cents, at):
        return UsedBookingFactory(stock__offer__venue=venue, amount_cents=cents, used_at=at)

    tokens = {}
    for index in range(2):
        tokens[f"sent{index}"] = used(bellecour, 4000, utc(2026, 2, 20, 12, 0)).token
    price_bookings()
    sent_batch = generate_payment_batch(SENT_CUTOFF)
    mark_batch_sent(sent_batch, StaffFactory())

    time_machine.move_to(NOW, tick=False)
    for index in range(2):
        tokens[f"sending{index}"] = used(bellecour, 7100, utc(2026, 3, 10, 12, 0)).token
    tokens["blocked"] = used(part_dieu, 900, utc(2026, 3, 10, 12, 0)).token
    price_bookings()
    sending_batch = generate_payment_batch(SENDING_CUTOFF)
    tokens["to_come"] = used(bellecour, 650, utc(2026, 3, 17, 5, 0)).token
    price_bookings()
    tokens["not_validated"] = BookingFactory(stock__offer__venue=bellecour, amount_cents=1200).token
    if tick:
        time_machine.move_to(NOW, tick=True)
    return Scenario(offerer, bellecour, part_dieu, sent_batch, sending_batch, tokens)
