import datetime as dt

import httpx
from PIL import Image

from passculture.core.providers.allocine.client import AllocineClient
from passculture.demo import allocine_feed
from passculture.demo.posters import POSTER_SIZE

TODAY = dt.date(2026, 12, 1)


def _client(today_by_theater):
    return AllocineClient(
        allocine_feed.DEMO_API_URL,
        allocine_feed.DEMO_API_KEY,
        transport=allocine_feed.replay_transport(today_by_theater),
    )


def test_the_feed_is_deterministic():
    assert allocine_feed.build_feed("P9D075", TODAY) == allocine_feed.build_feed("P9D075", TODAY)


def test_the_replayed_feed_is_read_by_the_real_client_without_errors():
    with _client({"P9D075": TODAY}) as client:
        feed = client.get_movie_showtimes("P9D075")
    assert feed.errors == []
    assert [film.movie.title for film in feed.films] == [movie.title for movie in allocine_feed.MOVIES]
    movie = feed.films[0].movie
    assert movie.duration_minutes == allocine_feed.MOVIES[0].runtime_minutes
    assert movie.allocine_url == allocine_feed.allocine_url(allocine_feed.MOVIES[0])
    assert movie.directors and movie.cast_names and movie.country_names and movie.release_date


def test_showtimes_cover_the_next_seven_local_days():
    with _client({"P9D075": TODAY}) as client:
        feed = client.get_movie_showtimes("P9D075")
    days = {showtime.starts_at.date() for film in feed.films for showtime in film.showtimes}
    assert days == {TODAY + dt.timedelta(days=offset) for offset in range(7)}
    assert all(showtime.starts_at.tzinfo is None for film in feed.films for showtime in film.showtimes)


def test_the_feed_holds_premium_and_original_version_showtimes():
    with _client({"P9D075": TODAY}) as client:
        feed = client.get_movie_showtimes("P9D075")
    showtimes = [showtime for film in feed.films for showtime in film.showtimes]
    experiences = {tuple(showtime.experience) for showtime in showtimes if not showtime.is_classic}
    assert experiences == {("3D",), ("IMAX",)}
    assert {showtime.version for showtime in showtimes if showtime.is_classic} == {"VF", "VO"}


def test_the_replay_refuses_an_unknown_theatre():
    with httpx.Client(transport=allocine_feed.replay_transport({"P9D075": TODAY})) as http:
        response = http.get(f"{allocine_feed.DEMO_API_URL}/movieShowtimeList", params={"theater": "P0000"})
    assert response.status_code == 404


def test_the_replay_serves_a_png_poster_for_each_film(tmp_path):
    with httpx.Client(transport=allocine_feed.replay_transport({})) as http:
        for movie in allocine_feed.MOVIES:
            response = http.get(allocine_feed.poster_url(movie))
            assert response.status_code == 200
            path = tmp_path / f"{movie.internal_id}.png"
            path.write_bytes(response.content)
            with Image.open(path) as image:
                assert (image.format, image.size) == ("PNG", POSTER_SIZE)
