from decimal import Decimal, InvalidOperation

from .exceptions import CoordinatesIncomplete, InvalidCoordinates

SIX_DECIMALS = Decimal("0.000001")


def check_coordinates(
    latitude: Decimal | float | str | None, longitude: Decimal | float | str | None
) -> tuple[Decimal, Decimal]:
    """WGS-84 decimal degrees, rounded to six decimals (about 10 cm, the precision stored on venues)."""
    if latitude in (None, "") or longitude in (None, ""):
        raise CoordinatesIncomplete()
    try:
        lat = Decimal(str(latitude).replace(",", ".").strip())
        lon = Decimal(str(longitude).replace(",", ".").strip())
    except InvalidOperation as exc:
        raise InvalidCoordinates() from exc
    if not (lat.is_finite() and lon.is_finite()) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidCoordinates()
    return lat.quantize(SIX_DECIMALS), lon.quantize(SIX_DECIMALS)
