"""The link that gives someone directions to a cinema (the cinema page, the ticket).

OpenStreetMap's route planner rather than a `geo:` link: it opens on every phone and computer (a `geo:`
URI does nothing on a desktop nor in many iOS browsers), needs no account nor key, tracks nobody, and lets
the person pick walking, cycling or driving from their own starting point. It geocodes its `to` field
itself: the coordinates when the place has them (exact), else its postal address. One pattern for the
whole service, so that every page sends people the same way.
"""

from decimal import Decimal
from urllib.parse import urlencode

DIRECTIONS_BASE_URL = "https://www.openstreetmap.org/directions"


def directions_url(
    latitude: Decimal | float | str | None, longitude: Decimal | float | str | None, address: str = ""
) -> str:
    """The route planner with this point (else this address) as the destination; "" when neither is known."""
    if latitude is not None and longitude is not None:
        destination = f"{float(latitude):.6f},{float(longitude):.6f}"
    elif address.strip():
        destination = address.strip()
    else:
        return ""
    return f"{DIRECTIONS_BASE_URL}?{urlencode({'to': destination})}"


def directions_to_venue(venue) -> str:
    """`venue`: an offerers Venue (latitude, longitude, full_address)."""
    return directions_url(venue.latitude, venue.longitude, venue.full_address)
