"""The counter operations (core.bookings.services) called with a provider's key: the same rules and the
same scan log as the counter page and API v2, for the bookings of the venues linked to the provider only.

A booking of any other venue is "unknown" (404 COUNTERMARK_NOT_FOUND), not "another offerer's" (403): a
provider's key is not an offerer's, and learns nothing of the countermarks it does not reach (decision 28).
"""

from dataclasses import dataclass, field

from passculture.core.bookings.constants import CounterChannel
from passculture.core.bookings.exceptions import CountermarkNotFound
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import CounterActor

from .links import venues_of_provider
from .models import Provider


@dataclass
class ProviderCounterActor(CounterActor):
    venue_ids: frozenset[int] = field(default_factory=frozenset)

    def check_offerer(self, booking: Booking) -> None:
        if booking.venue_id not in self.venue_ids:
            raise CountermarkNotFound()


def counter_actor_of_provider(
    provider: Provider, *, key_prefix: str, device: str = "", ip_address: str | None = None
) -> ProviderCounterActor:
    venues = list(venues_of_provider(provider).values_list("pk", "offerer_id"))
    return ProviderCounterActor(
        # The scan log links a refused attempt to its booking only for these offerers.
        offerer_ids={offerer_id for _pk, offerer_id in venues},
        venue_ids=frozenset(pk for pk, _offerer_id in venues),
        label=f"Logiciel {provider.name}"[:100],
        device=device,
        ip_address=ip_address,
        channel=CounterChannel.PUBLIC_API,
        api_key_prefix=key_prefix,
    )


def venue_ids_of_provider(provider: Provider) -> list[int]:
    return list(venues_of_provider(provider).values_list("pk", flat=True))
