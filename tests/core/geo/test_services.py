import pytest

from passculture.core.geo.ban import BanClient
from passculture.core.geo.constants import CoordinatesSource
from passculture.core.geo.services import geocode_address, nearest_commune, search_places
from tests.helpers import error_code

from . import ban_payloads


@pytest.fixture
def ban(httpserver, settings):
    settings.ADRESSE_API_URL = httpserver.url_for("").rstrip("/")
    return httpserver


def test_geocoding_takes_the_address_api_answer_first(ban):
    ban.expect_request("/search/").respond_with_json(ban_payloads.PARIS_VOLTAIRE)
    result = geocode_address("10 boulevard Voltaire", "75011", "Paris")
    assert result == (
        48.865284,
        2.366923,
        CoordinatesSource.BAN,
        "10 Boulevard Voltaire 75011 Paris",
        0.9712345454545454,
    )


def test_geocoding_an_overseas_address(ban):
    ban.expect_request(
        "/search/", query_string={"q": "2 rue de Paris 97400 Saint-Denis", "limit": "5", "postcode": "97400"}
    ).respond_with_json(ban_payloads.REUNION_RUE_DE_PARIS)
    latitude, longitude, source, label, _ = geocode_address("2 rue de Paris", "97400", "Saint-Denis")
    assert (latitude, longitude, source) == (-20.879164, 55.450859, CoordinatesSource.BAN)
    assert label == "2 Rue de Paris 97400 Saint-Denis"


def test_an_answer_below_the_score_threshold_falls_back_to_the_commune_centre(ban):
    ban.expect_request("/search/").respond_with_json(ban_payloads.LOW_SCORE)
    result = geocode_address("zzz", "97400", "Saint-Denis")
    assert result.source == CoordinatesSource.GAZETTEER
    assert result.score is None


def test_the_score_threshold_is_a_setting(ban, settings):
    settings.ADRESSE_API_MIN_SCORE = 0.2
    ban.expect_request("/search/").respond_with_json(ban_payloads.LOW_SCORE)
    assert geocode_address("zzz", "97400", "Saint-Denis").source == CoordinatesSource.BAN


def test_an_answer_in_another_postal_code_is_not_taken(ban):
    ban.expect_request("/search/").respond_with_json(ban_payloads.PARIS_VOLTAIRE)
    assert (
        geocode_address("10 boulevard Voltaire", "97400", "Saint-Denis").source == CoordinatesSource.GAZETTEER
    )


def test_no_answer_falls_back_to_the_commune_centre(ban):
    ban.expect_request("/search/").respond_with_json(ban_payloads.EMPTY)
    result = geocode_address("nulle part", "75011", "Paris")
    assert result.source == CoordinatesSource.GAZETTEER
    assert (round(result.latitude, 2), round(result.longitude, 2)) == (48.86, 2.38)
    assert result.label == "Paris (75011)"


def test_a_failing_address_api_falls_back_to_the_commune_centre(ban):
    ban.expect_request("/search/").respond_with_data("down", status=500)
    assert geocode_address("2 rue de Paris", "97400", "Saint-Denis").source == CoordinatesSource.GAZETTEER


def test_a_slow_address_api_falls_back_to_the_commune_centre(httpserver):
    import time

    from werkzeug import Response

    def slow(request):
        time.sleep(1)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/search/").respond_with_handler(slow)
    client = BanClient(httpserver.url_for(""), timeout=0.1)
    assert (
        geocode_address("2 rue de Paris", "97400", "Saint-Denis", client=client).source
        == CoordinatesSource.GAZETTEER
    )


def test_without_an_address_api_the_gazetteer_answers_alone(settings):
    settings.ADRESSE_API_URL = ""
    result = geocode_address("Cours Napoléon", "20000", "Ajaccio")
    assert result.source == CoordinatesSource.GAZETTEER
    assert 41.8 < result.latitude < 42.0


def test_an_address_found_nowhere_asks_the_pro_for_coordinates(settings):
    settings.ADRESSE_API_URL = ""
    assert error_code(geocode_address, "1 rue Nulle", "99999", "Nulle-Part") == "ADDRESS_NOT_GEOCODED"


def test_a_city_that_does_not_match_its_postal_code_asks_the_pro_for_coordinates(settings):
    settings.ADRESSE_API_URL = ""
    assert error_code(geocode_address, "1 place", "13001", "Lyon") == "ADDRESS_NOT_GEOCODED"


def test_search_places_by_postal_code():
    assert [p.name for p in search_places("97139")] == ["Les Abymes"]


def test_search_places_by_name_gives_every_homonym_biggest_first():
    places = search_places("saint denis")
    assert {p.department for p in places[:2]} == {"974", "93"}
    exact = [p.name == "Saint-Denis" for p in places]
    assert exact[:3] == [True, True, True]
    assert exact == sorted(exact, reverse=True)  # exact names before longer ones


def test_search_places_by_the_beginning_of_a_name():
    assert "Marseille" in [p.name for p in search_places("Marsei")]


def test_search_places_by_the_beginning_of_a_postal_code():
    places = search_places("974")
    assert places and all(p.department == "974" for p in places)


def test_search_places_gives_nothing_for_nothing():
    assert search_places("  ") == []
    assert search_places("1") == []


def test_nearest_commune_of_coordinates():
    assert nearest_commune(16.27, -61.50).name == "Les Abymes"
    assert nearest_commune(200, 0) is None
