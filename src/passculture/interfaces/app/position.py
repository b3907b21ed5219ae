"""Where the young person is, for the home feed, the search, the film page, the cinema page and the map.

The rule is the same everywhere: the query's `lat`/`lon` (the device's position, given on a click) or a
typed place (a town, a postal code), else the town of the beneficiary's profile, else nowhere (all of
France, and the page asks for the position).
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from passculture.core.common.exceptions import DomainError
from passculture.core.geo.gazetteer import distance_km
from passculture.core.offers import search
from passculture.core.offers.exceptions import PlaceNotFound
from passculture.core.users.constants import Role

# Sources of a position: what the page says about it ("Près de toi", "Près de Lyon (69002)").
DEVICE, PLACE, PROFILE, NOWHERE = "device", "place", "profile", ""
# The core's messages say "vous" (the API and the pro portal); the young people's pages say "tu".
MESSAGES = {
    "PLACE_NOT_FOUND": "Ce lieu est introuvable : vérifie le nom de la ville ou le code postal (5 chiffres).",
    "INVALID_COORDINATES": "Position invalide : la latitude va de -90 à 90 et la longitude de -180 à 180. "
    "Indique plutôt ta ville ou ton code postal.",
    "COORDINATES_INCOMPLETE": "Position incomplète : il faut la latitude et la longitude. "
    "Indique plutôt ta ville ou ton code postal.",
}


def profile_place(user) -> search.Position | None:
    """A beneficiary's own town (postal code and city of the profile), as a first position."""
    if not user.is_authenticated or user.role != Role.BENEFICIARY or not user.postal_code:
        return None
    places = search.find_places(user.postal_code, limit=10)
    city = search.fold(user.city or "")
    named = [place for place in places if search.fold(place.label).startswith(city)] if city else []
    return (named or places or [None])[0]


@dataclass(frozen=True)
class Located:
    position: search.Position | None
    source: str  # DEVICE, PLACE, PROFILE or NOWHERE
    place_text: str = ""  # the place typed, when source is PLACE
    # Other places of that name (Saint-Denis: 93 or 974), for "Pas le bon endroit ?".
    alternatives: tuple[search.Position, ...] = ()

    @property
    def label(self) -> str:
        """ "toi" for the device, else the place's name ("Lyon (69002)")."""
        if self.position is None:
            return ""
        return "toi" if self.source == DEVICE else self.position.label

    @property
    def query(self) -> dict[str, str]:
        """The parameters that give this position back, for links to other pages (film, cinema)."""
        return coordinates_query(self.position)


def coordinates_query(position: search.Position | None) -> dict[str, str]:
    if position is None:
        return {}
    return {"lat": f"{position.latitude:.5f}", "lon": f"{position.longitude:.5f}"}


def coordinates_string(position: search.Position | None) -> str:
    return urlencode(coordinates_query(position))


def locate(get, user, errors: list[str], *, place_key: str = "lieu", use_profile: bool = True) -> Located:
    """The position of a request (see the module's rule); a bad place or bad coordinates add a French
    message to `errors` and give no position."""
    place_text = " ".join(get.get(place_key, "").split())[:200]
    lat, lon = get.get("lat", "").strip()[:30], get.get("lon", "").strip()[:30]
    if place_text:
        places = search.find_places(place_text, limit=5)
        if not places:
            errors.append(MESSAGES[PlaceNotFound.code])
            return Located(None, NOWHERE, place_text)
        first = places[0]
        # A typed postal code names the place already; its other villages would only be noise.
        named = not place_text.replace(" ", "").isdigit()
        others = tuple(
            place
            for place in places[1:]
            if named and distance_km(first.latitude, first.longitude, place.latitude, place.longitude) > 1
        )
        return Located(first, PLACE, place_text, others)
    if lat or lon:
        try:
            return Located(search.check_position(lat, lon), DEVICE)
        except DomainError as error:
            errors.append(MESSAGES.get(error.code, error.message))
            return Located(None, NOWHERE)
    if use_profile:
        position = profile_place(user)
        if position is not None:
            return Located(position, PROFILE)
    return Located(None, NOWHERE)
