"""The "Itinéraire" link to a cinema: one place for its URL, used by the ticket and the cinema page.

OpenStreetMap's directions page rather than a `geo:` link: it opens on every phone and computer (a
`geo:` URI does nothing on a desktop nor in many iOS browsers), needs no account nor key, and lets the
person pick walking, cycling or driving. It geocodes its `to` field itself, so coordinates when the
venue has them (exact), else the postal address.
"""

from urllib.parse import urlencode

DIRECTIONS_BASE_URL = "https://www.openstreetmap.org/directions"


def directions_url(venue) -> str:
    """`venue` needs latitude, longitude and full_address (an offerers Venue)."""
    if venue.latitude is not None and venue.longitude is not None:
        destination = f"{float(venue.latitude):.6f},{float(venue.longitude):.6f}"
    else:
        destination = venue.full_address
    return f"{DIRECTIONS_BASE_URL}?{urlencode({'to': destination})}"
