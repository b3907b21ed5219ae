"""Links every existing showing (an event offer) to its Film, the way core.films.services keys films: the
Allociné id (extra_data.allocine_id), else the visa (extra_data.visa), else the normalised title and the
year (of extra_data.release_date). The film gets the details the offers carry (an import's extra_data,
the duration, the synopsis).

Written for a large table: offers are read in batches of BATCH (only the columns needed), films are kept
in memory by key, new films are inserted and offers updated in bulk, once per batch: a fixed number of
statements per batch, never one per row. Reversible: going back unlinks every offer (the films stay, and a
new run finds them again by their keys).

Posters are left where they are: an imported offer keeps its copy until the next import stores the
poster on the film (and removes the copy); a pro's image stays the offer's own.
"""

import datetime as dt
import re

from django.db import migrations
from django.utils.html import strip_tags

from passculture.core.common.text import fold

BATCH = 1000
EVENT_CATEGORIES = ("SEANCE_CINE",)
# The import wrote this line under the synopsis (core/providers/allocine): it is no part of the synopsis.
ALLOCINE_LINK_PREFIX = "Tous les détails du film sur AlloCiné: "
DETAIL_LISTS = ("directors", "cast", "genres", "countries")
TITLE_MAX_LENGTH = 140
ID_MAX_LENGTH = 32


def _text(value, max_length: int) -> str:
    return str(value or "").strip()[:max_length] if isinstance(value, (str, int)) else ""


def _identifier(value) -> str:
    text = _text(value, 1000)
    return text if len(text) <= ID_MAX_LENGTH else ""


def _release_date(extra: dict):
    try:
        return dt.date.fromisoformat(str(extra.get("release_date") or ""))
    except ValueError:
        return None


def _strings(value) -> list[str]:
    if not isinstance(value, list):
        return []
    return [text for item in value if isinstance(item, str) and (text := item.strip()[:TITLE_MAX_LENGTH])]


def _synopsis(description: str) -> str:
    lines = [line for line in strip_tags(description or "").splitlines() if not line.startswith(ALLOCINE_LINK_PREFIX)]
    return "\n".join(lines).strip()[:5000]


def _keys_and_details(offer) -> tuple[dict, dict]:
    extra = offer.extra_data if isinstance(offer.extra_data, dict) else {}
    release_date = _release_date(extra)
    title = _text(offer.name, TITLE_MAX_LENGTH)
    keys = {
        "allocine_id": _identifier(extra.get("allocine_id")),
        "visa": _identifier(re.sub(r"\s", "", str(extra.get("visa") or ""))),
        "title": title,
        "title_key": fold(title)[:200],
        "year": release_date.year if release_date else None,
    }
    genres = _strings(extra.get("genres")) or _strings([extra.get("genre")])
    url = _text(extra.get("allocine_url"), 1000)
    details = {
        "original_title": _text(extra.get("original_title"), 200),
        "synopsis": _synopsis(offer.description),
        "duration_minutes": offer.duration_minutes,
        "directors": _strings(extra.get("directors")),
        "cast": _strings(extra.get("cast")),
        "genres": genres,
        "countries": _strings(extra.get("countries")),
        "release_date": release_date,
        "allocine_url": url if len(url) <= 200 else "",
    }
    return keys, details


class _Films:
    """Every film by key, the ones in the database and the ones this migration adds."""

    def __init__(self, Film, connection) -> None:
        self.Film = Film
        self.returns_keys = connection.features.can_return_rows_from_bulk_insert
        self.by_allocine: dict = {}
        self.by_visa: dict = {}
        self.by_title: dict = {}
        self.new: list = []
        self.changed: dict = {}
        for film in Film.objects.all().iterator(chunk_size=BATCH):
            self._index(film)

    def _index(self, film) -> None:
        if film.allocine_id:
            self.by_allocine.setdefault(film.allocine_id, film)
        if film.visa:
            self.by_visa.setdefault(film.visa, film)
        self.by_title.setdefault((film.title_key, film.year), []).append(film)

    def find(self, keys: dict):
        if keys["allocine_id"] and keys["allocine_id"] in self.by_allocine:
            return self.by_allocine[keys["allocine_id"]]
        if keys["visa"] and keys["visa"] in self.by_visa:
            return self.by_visa[keys["visa"]]
        if not keys["title_key"]:
            return None
        # A title never matches a film whose Allociné id or visa says it is another one.
        for film in self.by_title.get((keys["title_key"], keys["year"]), []):
            if keys["allocine_id"] and film.allocine_id:
                continue
            if keys["visa"] and film.visa:
                continue
            return film
        return None

    def link(self, keys: dict, details: dict):
        film = self.find(keys)
        if film is None:
            if not keys["title_key"]:
                return None
            film = self.Film(**keys, **details)
            self.new.append(film)
            self._index(film)
            return film
        # What the film lacks is filled in, as find_or_create_film does; identifiers only when free.
        changed = False
        for name, index in (("allocine_id", self.by_allocine), ("visa", self.by_visa)):
            if keys[name] and not getattr(film, name) and keys[name] not in index:
                setattr(film, name, keys[name])
                index[keys[name]] = film
                changed = True
        for name, value in details.items():
            if value and not getattr(film, name):
                setattr(film, name, value)
                changed = True
        if changed and film.pk is not None:
            self.changed[film.pk] = film
        return film

    def flush(self) -> None:
        if self.new:
            if self.returns_keys:
                self.Film.objects.bulk_create(self.new, batch_size=BATCH)
            else:  # a database that cannot say the keys of a bulk insert: one insert per new film
                for film in self.new:
                    film.save()
            self.new = []
        if self.changed:
            fields = ["allocine_id", "visa", "original_title", "synopsis", "duration_minutes", *DETAIL_LISTS,
                      "release_date", "allocine_url"]  # fmt: skip
            self.Film.objects.bulk_update(list(self.changed.values()), fields, batch_size=BATCH)
            self.changed = {}


def link_offers(apps, schema_editor):
    Offer = apps.get_model("offers", "Offer")
    films = _Films(apps.get_model("films", "Film"), schema_editor.connection)
    pending = (
        Offer.objects.filter(category__in=EVENT_CATEGORIES, film__isnull=True)
        .only("pk", "name", "description", "duration_minutes", "extra_data")
        .order_by("pk")
    )
    last_pk = 0
    while True:
        # Keyset pagination: each batch is one indexed read, whatever the size of the table.
        batch = list(pending.filter(pk__gt=last_pk)[:BATCH])
        if not batch:
            break
        last_pk = batch[-1].pk
        links = [(offer, films.link(*_keys_and_details(offer))) for offer in batch]
        films.flush()  # the new films get their primary keys
        linked = []
        for offer, film in links:
            if film is not None:
                offer.film_id = film.pk
                linked.append(offer)
        Offer.objects.bulk_update(linked, ["film"], batch_size=BATCH)


def unlink_offers(apps, schema_editor):
    apps.get_model("offers", "Offer").objects.filter(film__isnull=False).update(film=None)


class Migration(migrations.Migration):
    dependencies = [
        ("films", "0002_film_poster_source"),
        ("offers", "0004_offer_film"),
    ]

    operations = [migrations.RunPython(link_offers, unlink_offers, elidable=True)]
