"""A bundled Allociné programme for the demo, replayed without network.

`build_feed(theater_id, today)` writes a `movieShowtimeList` answer in the shape the real proxy sends
(the fields the import reads and a few it ignores), with invented films and showtimes over the next
seven days in the theatre's local time. Some showtimes are 3D or IMAX (the import must leave them out)
and some are in original version. `replay_transport(...)` is an `httpx.MockTransport` that answers the
feed and the films' posters, so the demo goes through the real client and import without the network.
"""

import base64
import datetime as dt
import json
import random
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import httpx

from . import data
from .posters import render_poster

DEMO_API_URL = "https://allocine.demo.invalid/api/query"
DEMO_API_KEY = "demo"
POSTER_HOST = "affiches.allocine.demo.invalid"
DAYS = 7
# Hours of the day a film may be shown (local time of the theatre), the same as the other demo cinemas.
SLOTS = data.SHOWTIME_SLOTS


@dataclass(frozen=True)
class DemoMovie:
    internal_id: int
    title: str
    original_title: str
    runtime_minutes: int
    synopsis: str
    genres: tuple[str, ...]
    genre_label: str
    countries: tuple[tuple[str, str], ...]
    director: tuple[str, str]
    cast: tuple[tuple[str, str, str], ...]
    release: dt.date
    visa: str
    # Allociné's language name of the original version; "FRENCH" films have no VO showtimes.
    language: str
    production_year: int


MOVIES: tuple[DemoMovie, ...] = (
    DemoMovie(
        990101, "La Maison des marées", "La Maison des marées", 105,
        "<p>Sur une île bretonne, Maëlle hérite d'une maison que la mer menace d'emporter.<br/>"
        "Elle a un été pour décider de la sauver ou de la laisser partir.</p>",
        ("DRAMA",), "Drame", (("France", "FRA"),), ("Hélène", "Kervella"),
        (("Lou", "Marchand", "Maëlle"), ("Yann", "Le Goff", "Erwan")),
        dt.date(2026, 10, 14), "161201", "FRENCH", 2026,
    ),
    DemoMovie(
        990102, "Orbite basse", "Low Orbit", 128,
        "Trois astronautes d&#039;une station privée doivent rentrer sur Terre sans l&#039;aide du sol.",
        ("SCIENCE_FICTION", "THRILLER"), "Science-fiction", (("États-Unis", "USA"),), ("Dana", "Whitfield"),
        (("Amara", "Cole", "Cmdr. Reyes"), ("Tomas", "Lindqvist", "Erik")),
        dt.date(2026, 11, 4), "161345", "ENGLISH", 2026,
    ),
    DemoMovie(
        990103, "Le Grand Saut", "Le Grand Saut", 94,
        "Un professeur de gymnastique à la retraite entraîne une équipe de quartier pour un concours "
        "national. Une comédie sur la seconde chance.",
        ("COMEDY",), "Comédie", (("France", "FRA"), ("Belgique", "BEL")), ("Karim", "Benali"),
        (("Gérard", "Pelletier", "Marcel"), ("Inès", "Ferreira", "Sofia")),
        dt.date(2026, 11, 18), "161502", "FRENCH", 2026,
    ),
    DemoMovie(
        990104, "Les Lanternes de Kyoto", "Kyōto no chōchin", 112,
        "Une apprentie artisane reprend l'atelier de lanternes de sa grand-mère et découvre un secret "
        "de famille caché dans le papier.",
        ("ANIMATION", "FAMILY"), "Animation", (("Japon", "JPN"),), ("Aiko", "Morita"),
        (("Hana", "Sato", "Yuki"), ("Kenji", "Ota", "Grand-père")),
        dt.date(2026, 10, 28), "161288", "JAPANESE", 2025,
    ),
    DemoMovie(
        990105, "Sierra Nevada", "Sierra Nevada", 117,
        "Deux frères que tout oppose traversent l'Andalousie à moto pour disperser les cendres de "
        "leur père.",
        ("ADVENTURE", "DRAMA"), "Aventure", (("Espagne", "ESP"), ("France", "FRA")), ("Lucía", "Ortega"),
        (("Pablo", "Serrano", "Javier"), ("Diego", "Almagro", "Nico")),
        dt.date(2026, 11, 11), "161410", "SPANISH", 2026,
    ),
    DemoMovie(
        990106, "Le Silence des glaciers", "Le Silence des glaciers", 99,
        "Un documentaire qui suit pendant un an les scientifiques du dernier observatoire des Alpes "
        "sur la fonte des glaciers.",
        ("DOCUMENTARY",), "Documentaire", (("France", "FRA"), ("Suisse", "CHE")), ("Claire", "Dumont"),
        (("Claire", "Dumont", "Narratrice"),),
        dt.date(2026, 11, 25), "161577", "FRENCH", 2026,
    ),
)  # fmt: skip

MOVIES_BY_INTERNAL_ID = {movie.internal_id: movie for movie in MOVIES}


def movie_id(movie: DemoMovie) -> str:
    """Allociné's global id: base64 of "Movie:<internal id>"."""
    return base64.b64encode(f"Movie:{movie.internal_id}".encode()).decode()


def allocine_url(movie: DemoMovie) -> str:
    return f"https://www.allocine.fr/film/fichefilm_gen_cfilm={movie.internal_id}.html"


def poster_url(movie: DemoMovie) -> str:
    return f"https://{POSTER_HOST}/pictures/{movie.internal_id}.png"


def _runtime(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"PT{hours}H{rest}M0S"


def _escaped(url: str) -> str:
    # The proxy sends URLs JSON-escaped twice; json.dumps turns "\/" into "\\/", read back as "\/".
    return url.replace("/", "\\/")


def _movie_node(movie: DemoMovie) -> dict:
    return {
        "id": movie_id(movie),
        "internalId": movie.internal_id,
        "title": movie.title,
        "originalTitle": movie.original_title,
        "type": "COMMERCIAL",
        "runtime": _runtime(movie.runtime_minutes),
        "poster": {"url": _escaped(poster_url(movie))},
        "synopsis": movie.synopsis,
        "backlink": {"url": _escaped(allocine_url(movie)), "label": "Tous les détails du film sur AlloCiné"},
        "data": {"eidr": None, "productionYear": movie.production_year},
        "releases": [
            {
                "name": "Released",
                "releaseDate": {"date": movie.release.isoformat()},
                "data": {"visa_number": movie.visa},
            }
        ],
        "credits": {
            "edges": [
                {
                    "node": {
                        "person": {"firstName": movie.director[0], "lastName": movie.director[1]},
                        "position": {"name": "DIRECTOR"},
                    }
                }
            ]
        },
        "cast": {
            "edges": [
                {"node": {"actor": {"firstName": first, "lastName": last}, "role": role}}
                for first, last, role in movie.cast
            ]
        },
        "countries": [{"name": name, "alpha3": alpha3} for name, alpha3 in movie.countries],
        "genres": list(movie.genres),
        "companies": [{"activity": "Distribution", "company": {"name": "Distribution Démo"}}],
        "stats": None,
    }


def _showtime(start: dt.datetime, *, original: bool, language: str, experience: str | None) -> dict:
    return {
        "startsAt": start.strftime("%Y-%m-%dT%H:%M:%S"),
        "diffusionVersion": "ORIGINAL" if original else "LOCAL",
        "projection": ["DIGITAL"],
        "experience": experience,
        "languages": [language if original else "FRENCH"],
        "service": [],
    }


def _showtimes(movie: DemoMovie, rng: random.Random, today: dt.date) -> list[dict]:
    showtimes = []
    for offset in range(DAYS):
        day = today + dt.timedelta(days=offset)
        for hour, minute in sorted(rng.sample(SLOTS, rng.randint(1, 3))):
            start = dt.datetime.combine(day, dt.time(hour, minute))
            original = movie.language != "FRENCH" and rng.random() < 0.4
            showtimes.append(_showtime(start, original=original, language=movie.language, experience=None))
    # Premium screenings the import must leave out, on a day and time no classic showtime uses.
    if movie.genres[0] in ("SCIENCE_FICTION", "ANIMATION", "ADVENTURE"):
        day = today + dt.timedelta(days=2)
        start = dt.datetime.combine(day, dt.time(19, 45))
        showtimes.append(_showtime(start, original=False, language=movie.language, experience="3D"))
        start = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(21, 15))
        showtimes.append(
            _showtime(
                start, original=movie.language != "FRENCH", language=movie.language, experience=["IMAX"]
            )
        )
    return showtimes


def build_feed(theater_id: str, today: dt.date) -> dict:
    """The theatre's programme from `today` (its local date) for seven days; same inputs, same feed."""
    rng = random.Random(f"{theater_id}:{today.isoformat()}")
    edges = [
        {"node": {"movie": _movie_node(movie), "showtimes": _showtimes(movie, rng, today)}}
        for movie in MOVIES
    ]
    return {"movieShowtimeList": {"totalCount": len(edges), "edges": edges}}


@cache
def poster_png(internal_id: int) -> bytes:
    movie = MOVIES_BY_INTERNAL_ID[internal_id]
    return render_poster(movie.title, movie.genre_label, movie.runtime_minutes)


def replay_transport(today_by_theater: Mapping[str, dt.date]) -> httpx.MockTransport:
    """Answers the feed of the theatres given (their local "today") and the posters; 404 for the rest."""

    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/movieShowtimeList"):
            theater_id = request.url.params.get("theater", "")
            if theater_id not in today_by_theater:
                return httpx.Response(404, json={"error": "unknown theater"})
            body = json.dumps(build_feed(theater_id, today_by_theater[theater_id]), ensure_ascii=False)
            return httpx.Response(200, content=body.encode(), headers={"Content-Type": "application/json"})
        if request.url.host == POSTER_HOST and path.startswith("/pictures/") and path.endswith(".png"):
            stem = path.removeprefix("/pictures/").removesuffix(".png")
            if stem.isdigit() and int(stem) in MOVIES_BY_INTERNAL_ID:
                return httpx.Response(
                    200, content=poster_png(int(stem)), headers={"Content-Type": "image/png"}
                )
        return httpx.Response(404)

    return httpx.MockTransport(handler)
