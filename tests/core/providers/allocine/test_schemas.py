"""Reading Allociné's `movieShowtimeList` answer (RULES.md "Allociné import"), from feeds in the real shape."""

import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from passculture.core.providers.allocine.exceptions import AllocineBadPayload
from passculture.core.providers.allocine.schemas import Film, Showtime, parse_duration_minutes, parse_feed

FEEDS = Path(__file__).parent / "feeds"


def _feed(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def _films_by_id(name: str) -> dict[str, Film]:
    return {film.movie.id: film for film in parse_feed(_feed(name)).films}


@pytest.fixture
def films() -> dict[str, Film]:
    return _films_by_id("normal_theater.json")


def _showtime(**fields) -> Showtime:
    return Showtime.model_validate(
        {"startsAt": "2026-12-05T20:30:00", "diffusionVersion": "LOCAL", "projection": ["DIGITAL"], **fields}
    )


# --- the whole feed ------------------------------------------------------------------------------


def test_a_normal_feed_gives_every_film_and_ignores_unknown_fields():
    result = parse_feed(_feed("normal_theater.json"), theater_id="P0671")

    assert [film.movie.internal_id for film in result.films] == [131136, 300001, 300002, 300003, 300004]
    assert result.errors == []
    assert result.total_count == 5


def test_starts_at_is_read_as_a_local_time_without_offset(films):
    showtime = films["TW92aWU6MTMxMTM2"].showtimes[0]

    assert showtime.starts_at == dt.datetime(2026, 12, 5, 14, 0)
    assert showtime.starts_at.tzinfo is None


# --- duration ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("runtime", "minutes"),
    [
        ("PT1H42M0S", 102),
        ("PT2H0M0S", 120),
        ("PT45M", 45),
        ("PT1H", 60),
        (None, None),
        ("", None),
        ("1h42", None),
    ],
)
def test_duration_is_read_in_minutes_from_the_iso_8601_runtime(runtime, minutes):
    assert parse_duration_minutes(runtime) == minutes


def test_a_film_duration_comes_from_its_runtime(films):
    assert films["TW92aWU6MTMxMTM2"].movie.duration_minutes == 102
    assert films["TW92aWU6MzAwMDAz"].movie.duration_minutes == 120
    assert films["TW92aWU6MzAwMDA0"].movie.duration_minutes == 45


# --- null fields ---------------------------------------------------------------------------------


def test_a_null_runtime_gives_no_duration(films):
    assert films["TW92aWU6MzAwMDAy"].movie.duration_minutes is None


def test_a_null_poster_gives_no_poster_url(films):
    assert films["TW92aWU6MzAwMDAy"].movie.poster_url is None


def test_null_releases_give_no_visa_and_no_release_date(films):
    movie = films["TW92aWU6MzAwMDAy"].movie

    assert movie.releases == []
    assert (movie.visa, movie.release_date) == (None, None)


def test_null_cast_and_credits_give_no_actor_and_no_director(films):
    movie = films["TW92aWU6MzAwMDAy"].movie

    assert (movie.cast_names, movie.directors) == ([], [])


def test_null_countries_genres_and_companies_are_empty_lists(films):
    movie = films["TW92aWU6MzAwMDAy"].movie

    assert (movie.countries, movie.country_names, movie.genres, movie.companies) == ([], [], [], [])


def test_null_projection_and_languages_are_empty_lists(films):
    showtime = films["TW92aWU6MzAwMDAy"].showtimes[0]

    assert (showtime.projection, showtime.languages, showtime.experience) == ([], [], [])


def test_null_showtimes_are_an_empty_list():
    film = Film.model_validate(
        {"movie": {"id": "TW92aWU6MQ==", "internalId": 1, "title": "Sans séance"}, "showtimes": None}
    )

    assert film.showtimes == []


# --- film details --------------------------------------------------------------------------------


def test_visa_is_the_first_release_visa_number(films):
    assert films["TW92aWU6MTMxMTM2"].movie.visa == "158963"


def test_a_visa_number_sent_as_a_number_is_kept_as_text(films):
    assert films["TW92aWU6MzAwMDAz"].movie.visa == "161234"


def test_release_date_is_the_cinema_release_even_when_another_release_comes_first(films):
    assert films["TW92aWU6MTMxMTM2"].movie.release_date == dt.date(2026, 11, 25)


def test_directors_are_the_credits_in_the_director_position(films):
    assert films["TW92aWU6MTMxMTM2"].movie.directors == ["Jean Durand"]


def test_cast_names_skip_roles_without_an_actor(films):
    assert films["TW92aWU6MTMxMTM2"].movie.cast_names == ["Marie Leroy", "Bouli"]


def test_countries_genres_and_original_title_are_kept(films):
    movie = films["TW92aWU6MTMxMTM2"].movie

    assert movie.country_names == ["France", "Canada"]
    assert movie.genres == ["ADVENTURE", "DRAMA"]
    assert movie.original_title == "Northern Travellers"


def test_the_poster_url_is_unescaped(films):
    assert (
        films["TW92aWU6MTMxMTM2"].movie.poster_url
        == "https://fr.web.img6.acsta.net/pictures/26/10/01/12/00/0123456.jpg"
    )


# --- special events ------------------------------------------------------------------------------


def test_a_special_event_film_is_flagged(films):
    assert films["TW92aWU6MzAwMDAx"].movie.is_special_event


def test_a_commercial_film_is_not_a_special_event(films):
    assert not films["TW92aWU6MTMxMTM2"].movie.is_special_event


# --- description ---------------------------------------------------------------------------------


def test_description_is_the_plain_synopsis_a_new_line_then_the_allocine_link(films):
    assert films["TW92aWU6MTMxMTM2"].movie.description == (
        "Dans un village du Grand Nord, Léa et son frère décident de partir.\n"
        "Un voyage « hors du temps » qui l'a changée.\n"
        "Tous les détails du film sur AlloCiné: https://www.allocine.fr/film/fichefilm_gen_cfilm=131136.html"
    )


def test_a_doubly_escaped_backlink_url_is_unescaped(films):
    assert (
        films["TW92aWU6MzAwMDAy"].movie.allocine_url
        == "https://www.allocine.fr/film/fichefilm_gen_cfilm=300002.html?from=passculture&v=2"
    )


def test_without_synopsis_the_description_is_the_allocine_link_alone(films):
    assert films["TW92aWU6MzAwMDAy"].movie.description == (
        "Tous les détails du film sur AlloCiné: "
        "https://www.allocine.fr/film/fichefilm_gen_cfilm=300002.html?from=passculture&v=2"
    )


# --- showtimes: version and classic projection ---------------------------------------------------


@pytest.mark.parametrize(("diffusion", "version"), [("LOCAL", "VF"), ("DUBBED", "VF"), ("ORIGINAL", "VO")])
def test_version_is_vf_for_local_and_dubbed_and_vo_for_original(diffusion, version):
    assert _showtime(diffusionVersion=diffusion).version == version


def test_an_unknown_diffusion_version_has_no_version():
    assert _showtime(diffusionVersion="SUBTITLED_FOR_DEAF").version is None


@pytest.mark.parametrize(
    ("experience", "classic"),
    [
        (None, True),
        ([], True),
        ("3D", False),
        (["3D"], False),
        ("IMAX", False),
        (["IMAX"], False),
        (["4DX"], False),
        ("DOLBY", False),
        (["DOLBY", "3D"], False),
    ],
)
def test_only_a_showtime_without_experience_is_classic(experience, classic):
    assert _showtime(experience=experience).is_classic is classic


@pytest.mark.parametrize(
    ("projection", "classic"),
    [(["DIGITAL"], True), (["FILM_35MM", "DIGITAL"], False), ([], False), (None, False)],
)
def test_only_a_showtime_whose_first_projection_is_digital_is_classic(projection, classic):
    assert _showtime(projection=projection, experience=None).is_classic is classic


def test_in_a_feed_3d_imax_4dx_dolby_and_film_showtimes_are_not_classic(films):
    classic = [showtime for showtime in films["TW92aWU6MTMxMTM2"].showtimes if showtime.is_classic]

    assert [(showtime.starts_at.isoformat(), showtime.version) for showtime in classic] == [
        ("2026-12-05T14:00:00", "VF"),
        ("2026-12-05T20:30:00", "VO"),
        ("2026-12-06T16:15:00", "VF"),
    ]


# --- one invalid film among valid ones ----------------------------------------------------------


def test_an_invalid_film_is_dropped_and_the_others_are_kept():
    result = parse_feed(_feed("invalid_film_among_valid.json"))

    assert [film.movie.title for film in result.films] == ["Premier Valide", "Dernier Valide"]
    assert [movie_id for movie_id, _ in result.errors] == ["TW92aWU6NDAwMDAy", "TW92aWU6NDAwMDAz"]


def test_the_error_of_a_dropped_film_names_the_faulty_field():
    errors = dict(parse_feed(_feed("invalid_film_among_valid.json")).errors)

    assert "movie.title" in errors["TW92aWU6NDAwMDAy"]
    assert "showtimes.0.startsAt" in errors["TW92aWU6NDAwMDAz"]


def test_a_dropped_film_is_logged_with_the_theater_and_movie_ids(caplog):
    with caplog.at_level(logging.WARNING, logger="passculture.core.providers.allocine.schemas"):
        parse_feed(_feed("invalid_film_among_valid.json"), theater_id="P0671")

    dropped = [record.getMessage() for record in caplog.records if "dropped" in record.getMessage()]
    assert len(dropped) == 2
    assert all("P0671" in message for message in dropped)
    assert any("TW92aWU6NDAwMDAy" in message for message in dropped)


def test_a_start_time_given_as_a_number_drops_the_film():
    payload = json.loads(_feed("invalid_film_among_valid.json"))
    payload["movieShowtimeList"]["edges"][0]["node"]["showtimes"][0]["startsAt"] = 1796502600

    result = parse_feed(payload)

    assert "TW92aWU6NDAwMDAx" in dict(result.errors)


def test_a_film_without_readable_id_is_reported_by_its_position():
    payload = json.loads(_feed("invalid_film_among_valid.json"))
    payload["movieShowtimeList"]["edges"].append({"nodes": {}})

    result = parse_feed(payload)

    assert result.errors[-1][0] == "#4"


# --- a payload that is not a movieShowtimeList ---------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"<html>Service Unavailable</html>",
        b"",
        b'{"movieShowtimeList": ',
        b"[]",
        b'{"errors": [{"message": "theater not found"}]}',
        b'{"movieShowtimeList": {"totalCount": 1, "edges": {"node": {}}}}',
        b'{"movieShowtimeList": null}',
    ],
)
def test_a_payload_that_is_not_the_expected_envelope_is_a_bad_payload(raw):
    with pytest.raises(AllocineBadPayload) as error:
        parse_feed(raw, theater_id="P0671")

    assert error.value.code == "ALLOCINE_BAD_PAYLOAD"


def test_a_theater_without_films_gives_an_empty_result():
    result = parse_feed(b'{"movieShowtimeList": {"totalCount": 0, "edges": null}}')

    assert (result.films, result.errors, result.total_count) == ([], [], 0)
