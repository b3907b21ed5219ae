"""The link that gives someone directions to a place (the cinema page, the booking confirmation)."""

from decimal import Decimal
from urllib.parse import urlencode

# OpenStreetMap's route planner: no account, no tracking, and it asks the visitor for the starting point
# (or uses their position). One pattern for the whole service, so that every page sends people the same way.
DIRECTIONS_BASE_URL = "https://www.openstreetmap.org/directions"


def directions_url(latitude: Decimal | float | None, longitude: Decimal | float | None) -> str:
    """The route planner with this point as the destination; "" when the point is unknown."""
    if latitude is None or longitude is None:
        return ""
    return f"{DIRECTIONS_BASE_URL}?{urlencode({'to': f'{float(latitude):.6f},{float(longitude):.6f}'})}"
