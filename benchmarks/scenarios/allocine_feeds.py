"""The national day of the Allociné replay (allocine_national): the generated feeds (pure: no Django)
and the local Allociné server that serves them, the first day's then the next day's (allocine_shift)."""

import base64
import contextlib
import datetime as dt
import io
import json
import multiprocessing as mp
import random
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from benchmarks.scenarios import allocine_shift

API_KEY = "bench-allocine-key"
API_PATH = "/api/query"
POSTER_PATH = "/pictures/"
SERVER_START_TIMEOUT = 600  # seconds: the server writes every feed before it answers
# Showtimes from 10:00 to 22:40 every 20 minutes, for seven days, from three days after today (UTC):
# whatever the theatre's timezone (UTC-10 to UTC+11), every showtime is future at the first import and
# at the re-import. The shift runs the night after the first day (allocine_shift.shift_clock), when the
# first day is yesterday.
FIRST_SLOT_MINUTES = 10 * 60
SLOT_STEP_MINUTES = 20
SLOTS_PER_DAY = 39
DAYS = 7
FIRST_DAY_OFFSET = 3
# One theatre in 40 is overseas; the rest are in metropolitan France (Europe/Paris).
OVERSEAS = (
    ("974", "Indian/Reunion", "97400", "Saint-Denis"),
    ("971", "America/Guadeloupe", "97110", "Pointe-à-Pitre"),
    ("972", "America/Martinique", "97200", "Fort-de-France"),
    ("973", "America/Cayenne", "97300", "Cayenne"),
    ("976", "Indian/Mayotte", "97600", "Mamoudzou"),
    ("987", "Pacific/Tahiti", "98714", "Papeete"),
    ("988", "Pacific/Noumea", "98800", "Nouméa"),
)
LANGUAGES = (
    ("FRENCH", 45),
    ("ENGLISH", 35),
    ("JAPANESE", 5),
    ("SPANISH", 4),
    ("KOREAN", 4),
    ("ITALIAN", 4),
    ("GERMAN", 3),
)
COUNTRIES = {
    "FRENCH": ("France", "FRA"),
    "ENGLISH": ("États-Unis", "USA"),
    "JAPANESE": ("Japon", "JPN"),
    "SPANISH": ("Espagne", "ESP"),
    "KOREAN": ("Corée du Sud", "KOR"),
    "ITALIAN": ("Italie", "ITA"),
    "GERMAN": ("Allemagne", "DEU"),
}
GENRE_LABELS = {
    "DRAMA": "drame",
    "COMEDY": "comédie",
    "THRILLER": "suspense",
    "ANIMATION": "animation",
    "ADVENTURE": "aventure",
    "DOCUMENTARY": "documentaire",
    "SCIENCE_FICTION": "science-fiction",
}
GENRES = tuple(GENRE_LABELS)
TITLE_STARTS = (
    "Le Dernier", "La Nuit du", "Les Enfants du", "Le Secret du", "L'Été du", "La Promesse du",
    "Le Retour du", "Les Ombres du", "La Route du", "Le Silence du", "Un Hiver au", "La Chute du",
    "Le Chant du", "Les Gardiens du", "La Légende du", "Le Rêve du",
)  # fmt: skip
TITLE_ENDS = (
    "Phare", "Volcan", "Fleuve", "Désert", "Royaume", "Capitaine", "Marais", "Glacier", "Labyrinthe",
    "Vent", "Sommet", "Port", "Cirque", "Jardin", "Village", "Détective", "Train", "Moulin", "Loup",
    "Soleil", "Miroir", "Nord", "Bal", "Pont",
)  # fmt: skip
FIRST_NAMES = ("Camille", "Louis", "Inès", "Hugo", "Maya", "Karim", "Léa", "Tom", "Nora", "Yann")
LAST_NAMES = ("Martin", "Bernard", "Diallo", "Nguyen", "Moreau", "Lefèvre", "Garcia", "Roux", "Haddad")
# (share of the showtimes, what the feed says): everything but "classic" is left out by the import.
NON_CLASSIC = (
    (0.030, {"projection": ["DIGITAL"], "experience": "3D"}),
    (0.020, {"projection": ["DIGITAL"], "experience": ["IMAX"]}),
    (0.010, {"projection": ["DIGITAL"], "experience": ["4DX"]}),
    (0.010, {"projection": ["DIGITAL"], "experience": ["DOLBY_CINEMA", "DOLBY_ATMOS"]}),
    (0.005, {"projection": ["FILM_35MM"], "experience": None}),
)
SPECIAL_EVENT_EVERY = 25  # one catalogue film in 25 is a special event (opera, concert, e-sport)


# --- The national day (pure: no Django) ---------------------------------------------------------


@dataclass(frozen=True)
class Day:
    theaters: int
    films_per_theater: int
    showtimes_per_theater: int
    catalogue: int
    seed: int
    first_day: dt.date  # local date of the first showtimes in every theatre
    posters: bool = False  # False: every film has `poster: null`
    shortcut: bool = True  # an unchanged programme is not compared again (memo.programme_unchanged)

    @property
    def catalogue_size(self) -> int:
        return self.catalogue or max(15 * self.films_per_theater, 30)

    def check(self) -> None:
        if self.theaters < 1 or self.films_per_theater < 1 or self.showtimes_per_theater < 0:
            raise SystemExit("--theaters and --films-per-theater must be at least 1")
        if self.films_per_theater > self.catalogue_size:
            raise SystemExit("--catalogue must hold at least --films-per-theater films")
        if self.showtimes_per_theater > self.films_per_theater * SLOTS_PER_DAY * DAYS:
            raise SystemExit("too many showtimes per theatre for the films and slots of a week")


@dataclass(frozen=True)
class CatalogueFilm:
    internal_id: int
    rank: int  # 0 = the most popular
    title: str
    original_title: str
    language: str
    runtime_minutes: int
    genres: tuple[str, ...]
    director: tuple[str, str]
    cast: tuple[tuple[str, str, str], ...]
    release: dt.date
    visa: str
    special_event: bool

    @property
    def weight(self) -> float:
        return 1.0 / (self.rank + 1)

    @property
    def movie_id(self) -> str:
        """Allociné's global id: base64 of "Movie:<internal id>"."""
        return base64.b64encode(f"Movie:{self.internal_id}".encode()).decode()


@dataclass(frozen=True)
class TheaterFeed:
    body: bytes
    films: int
    special_event_films: int
    showtimes: int
    classic_showtimes: int  # of the films that are not special events: the stocks the import creates
    offers: int  # films that are not special events
    film_ids: tuple[int, ...]


def theater_id(index: int) -> str:
    return f"B{index:05d}"


def venue_siren(index: int) -> str:
    return f"9{index:08d}"


def venue_siret(index: int) -> str:
    return f"{venue_siren(index)}00011"


def venue_place(index: int) -> tuple[str, str, str, str]:
    """(department, timezone, postal code, city)."""
    if index % 40 == 39:
        return OVERSEAS[(index // 40) % len(OVERSEAS)]
    department = f"{1 + index % 95:02d}"
    return department, "Europe/Paris", f"{department}000", f"Ville {index}"


def build_catalogue(day: Day) -> list[CatalogueFilm]:
    rng = random.Random(f"{day.seed}:catalogue")
    names = [language for language, _ in LANGUAGES]
    weights = [weight for _, weight in LANGUAGES]
    films = []
    for rank in range(day.catalogue_size):
        language = rng.choices(names, weights)[0]
        special = rank % SPECIAL_EVENT_EVERY == SPECIAL_EVENT_EVERY - 1
        title = f"{TITLE_STARTS[rank % len(TITLE_STARTS)]} {TITLE_ENDS[(rank // len(TITLE_STARTS)) % 24]}"
        if rank >= len(TITLE_STARTS) * 24:
            title = f"{title} {rank // (len(TITLE_STARTS) * 24) + 1}"
        if special:
            title = f"Retransmission : {title}"
        films.append(
            CatalogueFilm(
                internal_id=500_000 + rank,
                rank=rank,
                title=title,
                original_title=title if language == "FRENCH" else f"{title} ({language.title()})",
                language=language,
                runtime_minutes=rng.randint(78, 175),
                genres=tuple(rng.sample(GENRES, rng.randint(1, 2))),
                director=(rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)),
                cast=tuple(
                    (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES), f"Rôle {i + 1}")
                    for i in range(rng.randint(0, 4))
                ),
                release=day.first_day - dt.timedelta(days=rng.randint(0, 60)),
                visa=str(150_000 + rank),
                special_event=special,
            )
        )
    return films


def _runtime(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"PT{hours}H{rest}M0S"


def _escaped(url: str) -> str:
    # The proxy sends URLs JSON-escaped twice ("https:\/\/..."), which the import unescapes.
    return url.replace("/", "\\/")


def movie_node(film: CatalogueFilm, posters_base_url: str | None) -> dict:
    page = f"https://www.allocine.fr/film/fichefilm_gen_cfilm={film.internal_id}.html"
    poster = (
        {"url": _escaped(f"{posters_base_url}{POSTER_PATH}{film.internal_id}.jpg")}
        if posters_base_url
        else None
    )
    country = COUNTRIES[film.language]
    return {
        "id": film.movie_id,
        "internalId": film.internal_id,
        "title": film.title,
        "originalTitle": film.original_title,
        "type": "SPECIAL_EVENT" if film.special_event else "COMMERCIAL",
        "runtime": _runtime(film.runtime_minutes),
        "poster": poster,
        "synopsis": f"<p>{film.title} : {GENRE_LABELS[film.genres[0]]}.<br/>"
        "Un film que l&#039;on n&#039;oublie pas.</p>",
        "backlink": {"url": _escaped(page), "label": "Tous les détails du film sur AlloCiné"},
        "data": {"eidr": None, "productionYear": film.release.year},
        "releases": [
            {
                "name": "Released",
                "releaseDate": {"date": film.release.isoformat()},
                "data": {"visa_number": film.visa},
            }
        ],
        "credits": {
            "edges": [
                {
                    "node": {
                        "person": {"firstName": film.director[0], "lastName": film.director[1]},
                        "position": {"name": "DIRECTOR"},
                    }
                }
            ]
        },
        "cast": {
            "edges": [
                {"node": {"actor": {"firstName": first, "lastName": last}, "role": role}}
                for first, last, role in film.cast
            ]
        }
        if film.cast
        else None,
        "countries": [{"name": country[0], "alpha3": country[1]}],
        "genres": list(film.genres),
        "companies": [{"activity": "Distribution", "company": {"name": "Distribution Banc d'essai"}}],
        "stats": None,
    }


def _pick_films(rng: random.Random, catalogue: list[CatalogueFilm], count: int) -> list[CatalogueFilm]:
    """`count` distinct films drawn by popularity (weighted sampling without replacement)."""
    keyed = sorted(catalogue, key=lambda film: rng.random() ** (1.0 / film.weight), reverse=True)
    return sorted(keyed[:count], key=lambda film: film.rank)


def _split_showtimes(rng: random.Random, films: list[CatalogueFilm], total: int) -> list[int]:
    """Showtimes per film: the popular films get more, every film at least one when there are enough."""
    capacity = SLOTS_PER_DAY * DAYS
    counts = [min(1, total // len(films)) for _ in films]
    weights = [film.weight**0.5 for film in films]
    for _ in range(total - sum(counts)):
        while True:
            index = rng.choices(range(len(films)), weights)[0]
            if counts[index] < capacity:
                counts[index] += 1
                break
    return counts


def _presentation(rng: random.Random) -> dict:
    draw = rng.random()
    for share, presentation in NON_CLASSIC:
        if draw < share:
            return presentation
        draw -= share
    return {"projection": ["DIGITAL"], "experience": None}


def build_theater_feed(
    day: Day, catalogue: list[CatalogueFilm], index: int, posters_base_url: str | None = None
) -> TheaterFeed:
    rng = random.Random(f"{day.seed}:theater:{index}")
    films = _pick_films(rng, catalogue, day.films_per_theater)
    counts = _split_showtimes(rng, films, day.showtimes_per_theater)
    edges = []
    classic = offers = special = 0
    for film, count in zip(films, counts, strict=True):
        showtimes = []
        for slot in sorted(rng.sample(range(SLOTS_PER_DAY * DAYS), count)):
            day_offset, slot_of_day = divmod(slot, SLOTS_PER_DAY)
            start = dt.datetime.combine(
                day.first_day + dt.timedelta(days=day_offset), dt.time()
            ) + dt.timedelta(minutes=FIRST_SLOT_MINUTES + SLOT_STEP_MINUTES * slot_of_day)
            if film.language == "FRENCH":
                version, languages = "LOCAL", ["FRENCH"]
            elif rng.random() < 0.3:
                version, languages = "ORIGINAL", [film.language]
            else:
                version, languages = "DUBBED", ["FRENCH"]
            presentation = _presentation(rng)
            if not film.special_event and presentation["experience"] is None:
                classic += presentation["projection"][0] == "DIGITAL"
            showtimes.append(
                {
                    "startsAt": start.strftime("%Y-%m-%dT%H:%M:%S"),
                    "diffusionVersion": version,
                    **presentation,
                    "languages": languages,
                    "service": [],
                }
            )
        special += film.special_event
        offers += not film.special_event
        edges.append({"node": {"movie": movie_node(film, posters_base_url), "showtimes": showtimes}})
    body = json.dumps(
        {"movieShowtimeList": {"totalCount": len(edges), "edges": edges}}, ensure_ascii=False
    ).encode()
    return TheaterFeed(
        body=body,
        films=len(films),
        special_event_films=special,
        showtimes=sum(counts),
        classic_showtimes=classic,
        offers=offers,
        film_ids=tuple(film.internal_id for film in films if not film.special_event),
    )


def poster_jpeg() -> bytes:
    """A plain 1000 x 1500 JPEG: above the offer image maximum, so the import resizes it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1000, 1500), (32, 48, 96))
    draw = ImageDraw.Draw(image)
    for step in range(0, 1500, 50):
        draw.rectangle((0, step, 1000, step + 20), fill=(200, 80 + step % 120, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


# --- The local Allociné server (another process) ------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real proxy
    # Headers and body go out in two writes: with Nagle's algorithm the client's delayed ACK would add
    # up to 40 ms per answer, a latency of this test server, not of the import.
    disable_nagle_algorithm = True
    feeds_dir: Path
    poster: bytes
    counters: dict
    served: dict  # {"day": "first" or "shift"}: the directory of the feeds served

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith(POSTER_PATH) and parts.path.endswith(".jpg"):
            self._count("posters")
            self._send(200, self.poster, "image/jpeg")
            return
        if parts.path != f"{API_PATH}/movieShowtimeList":
            self._send(404, b'{"error": "not found"}')
            return
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            self._count("unauthorized")
            self._send(401, b'{"error": "unauthorized"}')
            return
        theater = parse_qs(parts.query).get("theater", [""])[0]
        path = self.feeds_dir / self.served["day"] / f"{theater}.json"
        if not theater.isalnum() or not path.is_file():
            self._send(404, b'{"error": "unknown theater"}')
            return
        self._count("feeds")
        self._send(200, path.read_bytes())

    def _count(self, name: str) -> None:
        with self.counters["lock"]:
            self.counters[name] = self.counters.get(name, 0) + 1

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass


def day_slots() -> list[dt.time]:
    return [
        (dt.datetime.min + dt.timedelta(minutes=FIRST_SLOT_MINUTES + SLOT_STEP_MINUTES * slot)).time()
        for slot in range(SLOTS_PER_DAY)
    ]


def server_main(day: Day, feeds_dir: str, conn) -> None:
    """Writes every theatre's feed of both days to `feeds_dir`, then serves the first day's, the next
    day's once the parent says "shift", until the parent says stop."""
    try:
        counters: dict = {"lock": threading.Lock()}
        served = {"day": "first"}
        handler = type(
            "Handler",
            (_Handler,),
            {"feeds_dir": Path(feeds_dir), "poster": poster_jpeg(), "counters": counters, "served": served},
        )
        # Bound first: the poster URLs in the feeds name this server.
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        base_url = f"http://127.0.0.1:{server.server_address[1]}"
        catalogue = build_catalogue(day)
        totals = {
            "feeds": 0,
            "films": 0,
            "special_event_films": 0,
            "showtimes": 0,
            "expected_offers": 0,
            "expected_stocks": 0,
            "feed_bytes": 0,
            "shift_showtimes": 0,
            "shift_created": 0,
            "shift_vanished": 0,
            "shift_kept_repriced": 0,
            "shift_offers_changed": 0,
            "shift_booked_refs": {},
        }
        distinct: set[int] = set()
        directory = Path(feeds_dir)
        (directory / "first").mkdir()
        (directory / "shift").mkdir()
        by_movie = {film.movie_id: film for film in catalogue}
        slots = day_slots()
        for index in range(day.theaters):
            feed = build_theater_feed(day, catalogue, index, base_url if day.posters else None)
            (directory / "first" / f"{theater_id(index)}.json").write_bytes(feed.body)
            shifted = allocine_shift.shift_theater_feed(
                feed.body,
                seed=day.seed,
                index=index,
                first_day=day.first_day,
                slots=slots,
                catalogue=by_movie,
                tz=venue_place(index)[1],
            )
            (directory / "shift" / f"{theater_id(index)}.json").write_bytes(shifted.body)
            totals["shift_showtimes"] += shifted.showtimes
            totals["shift_created"] += shifted.created
            totals["shift_vanished"] += shifted.vanished
            totals["shift_kept_repriced"] += shifted.kept if allocine_shift.price_changed(index) else 0
            totals["shift_offers_changed"] += shifted.offers_changed
            if shifted.booked_ref is not None:
                totals["shift_booked_refs"][str(index)] = shifted.booked_ref
            totals["feeds"] += 1
            totals["films"] += feed.films
            totals["special_event_films"] += feed.special_event_films
            totals["showtimes"] += feed.showtimes
            totals["expected_offers"] += feed.offers
            totals["expected_stocks"] += feed.classic_showtimes
            totals["feed_bytes"] += len(feed.body)
            distinct.update(feed.film_ids)
        totals["distinct_films"] = len(distinct)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        conn.send({"base_url": base_url, "totals": totals})
        if conn.recv() == "shift":
            served["day"] = "shift"
            conn.send("shifted")
            conn.recv()  # any other message: stop
        server.shutdown()
        conn.send({name: value for name, value in counters.items() if name != "lock"})
    except Exception as error:
        conn.send({"fatal": repr(error)})


@contextlib.contextmanager
def allocine_server(day: Day):
    """(base URL of the API, totals of the generated feeds, the server's request counters when done,
    a function that makes the server answer the next day's feeds)."""
    ctx = mp.get_context("spawn")  # no Django state nor database connection inherited
    parent, child = ctx.Pipe()
    feeds_dir = tempfile.mkdtemp(prefix="bench-allocine-")
    proc = ctx.Process(target=server_main, args=(day, feeds_dir, child), name="allocine-server")
    proc.start()
    child.close()  # the parent's copy: the pipe reports EOF if the server dies
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not parent.poll(0.5):
            if not proc.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the local Allociné server did not start")
        ready = parent.recv()
        if "fatal" in ready:
            raise RuntimeError(f"the local Allociné server failed: {ready['fatal']}")
        counters: dict = {}

        def shift() -> None:
            parent.send("shift")
            if not parent.poll(30) or parent.recv() != "shifted":
                raise RuntimeError("the local Allociné server did not shift its feeds")

        yield ready["base_url"], ready["totals"], counters, shift
        parent.send("stop")
        if parent.poll(30):
            counters.update(parent.recv())
    finally:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout=10)
        shutil.rmtree(feeds_dir, ignore_errors=True)
