"""A reference ticketing system: the provider side of pass Culture's external-booking webhooks.

Tests start it on a free port; the demo runs it next to the app; `docs/ticketing-provider-contract.md`
is the contract it implements. It needs neither Django nor the database.
"""

from .server import SIGNATURE_HEADER, ReferenceTicketingServer, sign
from .state import TicketingState, is_valid_ean13

__all__ = ["SIGNATURE_HEADER", "ReferenceTicketingServer", "TicketingState", "is_valid_ean13", "sign"]
