"""The company registry client, against a local server replaying the API's payloads."""

import time

import pytest
from werkzeug import Response

from passculture.core.offerers.exceptions import RegistryUnavailable
from passculture.core.offerers.registry import lookup_siren

from .registry_replay import (
    CINEMA_SIREN,
    CLOSED_SIREN,
    UNKNOWN_SIREN,
    payload,
    point_registry_at,
    serve,
    serve_outage,
)


@pytest.fixture(autouse=True)
def _local_registry(settings, httpserver):
    point_registry_at(settings, httpserver)


def test_a_found_company_gives_its_legal_name_head_office_and_naf_code(httpserver):
    serve(httpserver, CINEMA_SIREN, "cinema_sas")

    company = lookup_siren(CINEMA_SIREN)

    assert company is not None
    assert (company.siren, company.name) == (CINEMA_SIREN, "CINEMA LE MELIES")
    assert (company.address, company.postal_code, company.city) == (
        "12 RUE DE LA REPUBLIQUE",
        "69002",
        "LYON",
    )
    assert (company.head_office_siret, company.naf_code, company.legal_category) == (
        "83214567600017",
        "59.14Z",
        "5710",
    )
    assert company.active


def test_only_the_result_with_the_searched_siren_counts(httpserver):
    # The full-text search also returns a company whose name contains the digits.
    serve(httpserver, "512349879", "cinema_sas")

    assert lookup_siren("512349879").name == "SOCIETE DES AMIS DU 832145676"


def test_a_closed_company_is_found_but_not_active(httpserver):
    serve(httpserver, CLOSED_SIREN, "closed_company")

    company = lookup_siren(CLOSED_SIREN)

    assert company is not None
    assert company.name == "CINE PALACE"
    assert not company.active


def test_an_empty_result_means_not_found(httpserver):
    serve(httpserver, UNKNOWN_SIREN, "empty")

    assert lookup_siren(UNKNOWN_SIREN) is None


def test_a_server_error_twice_means_unavailable(httpserver):
    serve_outage(httpserver)

    with pytest.raises(RegistryUnavailable):
        lookup_siren(CINEMA_SIREN)
    assert len(httpserver.log) == 2  # one retry


def test_one_server_error_is_retried_once(httpserver):
    httpserver.expect_oneshot_request("/search").respond_with_data("oops", status=500)
    serve(httpserver, CINEMA_SIREN, "cinema_sas")

    assert lookup_siren(CINEMA_SIREN).name == "CINEMA LE MELIES"


def test_too_many_requests_means_unavailable(httpserver):
    httpserver.expect_request("/search").respond_with_data("Too Many Requests", status=429)

    with pytest.raises(RegistryUnavailable):
        lookup_siren(CINEMA_SIREN)


def test_a_timeout_means_unavailable(settings, httpserver):
    settings.ENTREPRISES_API_TIMEOUT = 0.2

    def slow(request):
        time.sleep(0.6)
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/search").respond_with_handler(slow)

    with pytest.raises(RegistryUnavailable):
        lookup_siren(CINEMA_SIREN)


def test_a_refused_connection_means_unavailable(settings):
    settings.ENTREPRISES_API_URL = "http://127.0.0.1:9"  # discard port: nothing listens there

    with pytest.raises(RegistryUnavailable):
        lookup_siren(CINEMA_SIREN)


def test_a_payload_of_another_shape_means_unavailable(httpserver):
    httpserver.expect_request("/search").respond_with_json({"error": "unexpected"})

    with pytest.raises(RegistryUnavailable):
        lookup_siren(CINEMA_SIREN)


def test_a_body_that_is_not_json_means_unavailable(httpserver):
    httpserver.expect_request("/search").respond_with_data(
        "<html>maintenance</html>", content_type="text/html"
    )

    with pytest.raises(RegistryUnavailable):
        lookup_siren(CINEMA_SIREN)


def test_unknown_fields_are_ignored(httpserver):
    data = payload("cinema_sas")
    data["results"][0]["champ_futur"] = {"nouveau": True}
    data["results"][0]["siege"]["autre_champ"] = [1, 2, 3]
    httpserver.expect_request("/search").respond_with_json(data)

    assert lookup_siren(CINEMA_SIREN).name == "CINEMA LE MELIES"
