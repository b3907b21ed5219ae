import time

import pytest
from werkzeug import Response

from passculture.core.geo.ban import AddressApiUnavailable, BanClient, get_ban_client

from . import ban_payloads


@pytest.fixture
def client(httpserver):
    return BanClient(httpserver.url_for(""), timeout=2)


def test_search_sends_the_query_postcode_and_limit(httpserver, client):
    httpserver.expect_oneshot_request(
        "/search/", query_string={"q": "10 boulevard Voltaire 75011 Paris", "limit": "5", "postcode": "75011"}
    ).respond_with_json(ban_payloads.PARIS_VOLTAIRE)
    features = client.search("10 boulevard Voltaire 75011 Paris", postcode="75011")
    httpserver.check_assertions()
    assert len(features) == 2


def test_search_reads_geojson_points_as_longitude_then_latitude(httpserver, client):
    httpserver.expect_request("/search/").respond_with_json(ban_payloads.PARIS_VOLTAIRE)
    best = client.search("10 boulevard Voltaire", postcode="75011")[0]
    assert (best.geometry.latitude, best.geometry.longitude) == (48.865284, 2.366923)
    assert best.properties.label == "10 Boulevard Voltaire 75011 Paris"
    assert (best.properties.housenumber, best.properties.street) == ("10", "Boulevard Voltaire")
    assert (best.properties.citycode, best.properties.type) == ("75111", "housenumber")


def test_search_reads_an_overseas_address(httpserver, client):
    httpserver.expect_request("/search/").respond_with_json(ban_payloads.REUNION_RUE_DE_PARIS)
    best = client.search("2 rue de Paris", postcode="97400")[0]
    assert best.geometry.latitude < 0
    assert best.properties.context == "974, La Réunion"


def test_an_empty_answer_is_no_feature(httpserver, client):
    httpserver.expect_request("/search/").respond_with_json(ban_payloads.EMPTY)
    assert client.search("nulle part", postcode="75011") == []


def test_a_server_error_makes_the_api_unavailable(httpserver, client):
    httpserver.expect_request("/search/").respond_with_data("oops", status=500)
    with pytest.raises(AddressApiUnavailable):
        client.search("10 boulevard Voltaire")


def test_a_payload_of_another_shape_makes_the_api_unavailable(httpserver, client):
    httpserver.expect_request("/search/").respond_with_json({"type": "FeatureCollection", "features": [{}]})
    with pytest.raises(AddressApiUnavailable):
        client.search("10 boulevard Voltaire")


def test_a_slow_answer_makes_the_api_unavailable(httpserver):
    def slow(request):
        time.sleep(1)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/search/").respond_with_handler(slow)
    with pytest.raises(AddressApiUnavailable):
        BanClient(httpserver.url_for(""), timeout=0.1).search("10 boulevard Voltaire")


def test_an_empty_base_url_disables_the_client(settings):
    settings.ADRESSE_API_URL = ""
    assert get_ban_client() is None


def test_the_client_uses_the_configured_base_url(settings):
    settings.ADRESSE_API_URL = "http://127.0.0.1:9/adresse"
    assert get_ban_client().base_url == "http://127.0.0.1:9/adresse"
