"""The one place that builds the "Itinéraire" link to a cinema."""

from types import SimpleNamespace

from passculture.interfaces.app.directions import directions_url


def _venue(latitude, longitude):
    return SimpleNamespace(
        latitude=latitude, longitude=longitude, full_address="12 rue de la République, 69002 Lyon"
    )


def test_with_coordinates_the_link_goes_to_the_exact_point():
    from decimal import Decimal

    url = directions_url(_venue(Decimal("45.760000"), Decimal("4.835000")))
    assert url == "https://www.openstreetmap.org/directions?to=45.760000%2C4.835000"


def test_without_coordinates_the_link_goes_to_the_address():
    url = directions_url(_venue(None, None))
    assert url == "https://www.openstreetmap.org/directions?to=12+rue+de+la+R%C3%A9publique%2C+69002+Lyon"
