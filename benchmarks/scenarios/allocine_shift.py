"""The daily shift of the national Allociné replay (allocine_national): the feed of the next day.

Pure (no Django). A day later, a theatre's `movieShowtimeList` no longer lists the first day of
showtimes, lists a new seventh day, and about 5 % of the other showtimes changed:
  - moved to another time the same day (40 % of the changes),
  - another version, VF <-> VO (20 %; a French film has no VO, it is moved instead),
  - now 3D, or no longer 3D (15 %: the import leaves a 3D showtime out, so it vanishes or appears),
  - cancelled (25 %).
A film of the catalogue in 50 has its synopsis corrected (every offer of it is updated), and one venue
in 40 changes its price (every showtime it keeps is updated: `price_changed`); one in 50 has a booked
showtime that the feed no longer lists (`booked_vanishes`: a cancelled one, which no new showtime of the
day could be taken for, moves.py), which the import must keep and alert about.

The import runs at night, as the daily job does (`shift_clock`: 03:00 in Paris, the night after the
first day): the dropped day is yesterday, its showtimes are past and stay as history, and only what is
still future is compared. Overseas the same instant is another hour: in Tahiti the first day's evening
is still ahead (its showtimes vanish from the feed, so they are deleted), in Nouméa the second day's
morning is already over.

Everything is drawn from the seed: the same run, the same shift. The expected counts come from the refs
of the classic showtimes on both days (what the import's rules keep, mirrored here on purpose so that
the import is checked against the generator, not against itself).
"""

import datetime as dt
import json
import random
from dataclasses import dataclass
from zoneinfo import ZoneInfo

CHANGED_SHARE = 0.05
CHANGE_KINDS = (("time", 0.40), ("version", 0.20), ("experience", 0.15), ("cancelled", 0.25))
SYNOPSIS_EDIT_EVERY = 50  # catalogue films (by rank) whose synopsis is corrected
PRICE_CHANGE_EVERY = 40  # venues (by index) whose pro changes the import price before the shift
PRICE_CHANGE_CENTS = 50
BOOKED_EVERY = 50  # venues (by index) with one booked showtime on the dropped day
VERSIONS = {"LOCAL": "VF", "DUBBED": "VF", "ORIGINAL": "VO"}
LANGUAGE_CODES = {"FRENCH": "fr", "ENGLISH": "en", "SPANISH": "es", "GERMAN": "de", "ITALIAN": "it",
                  "JAPANESE": "ja", "KOREAN": "ko"}  # fmt: skip
THREE_D = {"projection": ["DIGITAL"], "experience": "3D"}
NIGHT_RUN = dt.time(3, 0)  # when the daily import runs, in Paris
NIGHT_RUN_TIMEZONE = "Europe/Paris"


def shift_clock(first_day: dt.date) -> dt.datetime:
    """The night after the first day, when the daily job imports the next day's feeds (UTC)."""
    local = dt.datetime.combine(first_day + dt.timedelta(days=1), NIGHT_RUN, ZoneInfo(NIGHT_RUN_TIMEZONE))
    return local.astimezone(dt.UTC)


def price_changed(index: int) -> bool:
    return index % PRICE_CHANGE_EVERY == 7


def booked_vanishes(index: int) -> bool:
    return index % BOOKED_EVERY == 3


def synopsis_edited(rank: int) -> bool:
    return rank % SYNOPSIS_EDIT_EVERY == 10


@dataclass(frozen=True)
class ShiftedFeed:
    body: bytes
    showtimes: int
    # Classic showtimes still future at the shift (`shift_clock`), the only ones the import compares:
    created: int  # of the new feed, that the import had not seen
    vanished: int  # of the first feed, no longer listed
    kept: int  # classic showtimes listed on both days
    offers: int  # offers of the new feed
    offers_changed: int  # of them, offers whose synopsis or languages changed
    # A vanished showtime to book before the shift (its stock's provider_ref), if any; see module doc.
    booked_ref: str | None = None


def _is_classic(showtime: dict) -> bool:
    return showtime["projection"][0] == "DIGITAL" and not showtime["experience"]


def classic_refs(edges: list[dict], tz: str, after: dt.datetime) -> set[tuple[str, str, str]]:
    """The classic showtimes starting after `after` in the theatre's timezone `tz`: those the import
    compares (a past one is history, neither created nor deleted)."""
    zone = ZoneInfo(tz)
    return {
        (edge["node"]["movie"]["id"], showtime["startsAt"], VERSIONS[showtime["diffusionVersion"]])
        for edge in edges
        if edge["node"]["movie"]["type"] != "SPECIAL_EVENT"
        for showtime in edge["node"]["showtimes"]
        if _is_classic(showtime) and _start(showtime).replace(tzinfo=zone) > after
    }


def _import_ref(ref: tuple[str, str, str]) -> str:
    movie_id, starts_at, version = ref
    return f"allocine:{movie_id}:{starts_at}:{version}"  # apply.stock_ref


def _booked_ref(vanished: set[tuple[str, str, str]], appeared: set[tuple[str, str, str]]) -> str | None:
    """The earliest vanished showtime that no new one of its film, version and day could be taken for
    (moves.py would move a booked one instead of alerting): kept and alerted when booked."""
    days = {(movie_id, starts_at[:10], version) for movie_id, starts_at, version in appeared}
    alone = sorted(
        (starts_at, movie_id, version)
        for movie_id, starts_at, version in vanished
        if (movie_id, starts_at[:10], version) not in days
    )
    if not alone:
        return None
    starts_at, movie_id, version = alone[0]
    return _import_ref((movie_id, starts_at, version))


def offer_fingerprints(edges: list[dict]) -> dict[str, tuple]:
    """What of an offer changes with the feed: its synopsis and its languages in the order met."""
    result = {}
    for edge in edges:
        movie = edge["node"]["movie"]
        if movie["type"] == "SPECIAL_EVENT":
            continue
        codes: list[str] = []
        for showtime in edge["node"]["showtimes"]:
            for language in showtime["languages"]:
                code = LANGUAGE_CODES.get(language)
                if code and code not in codes:
                    codes.append(code)
        result[movie["id"]] = (movie["synopsis"], tuple(codes))
    return result


def _start(showtime: dict) -> dt.datetime:
    return dt.datetime.fromisoformat(showtime["startsAt"])


def shift_theater_feed(
    body: bytes,
    *,
    seed: int,
    index: int,
    first_day: dt.date,
    slots: list[dt.time],
    catalogue: dict,
    tz: str,
) -> ShiftedFeed:
    """`body`: the theatre's first feed; `slots`: the times of a day's showtimes; `catalogue`: the
    catalogue's films by movie id (their original language and rank); `tz`: the theatre's timezone."""
    from benchmarks.scenarios.allocine_feeds import _presentation

    rng = random.Random(f"{seed}:shift:{index}")
    feed = json.loads(body)
    edges = feed["movieShowtimeList"]["edges"]
    at = shift_clock(first_day)
    before = classic_refs(edges, tz, at)
    offers_before = offer_fingerprints(edges)
    new_day = first_day + dt.timedelta(days=7)
    kinds = [kind for kind, _ in CHANGE_KINDS]
    weights = [weight for _, weight in CHANGE_KINDS]
    for edge in edges:
        movie = edge["node"]["movie"]
        film = catalogue[movie["id"]]
        language = film.language
        showtimes = edge["node"]["showtimes"]
        dropped = [showtime for showtime in showtimes if _start(showtime).date() == first_day]
        kept: list[dict] = []
        taken = {_start(showtime) for showtime in showtimes}
        for showtime in showtimes:
            if _start(showtime).date() == first_day:
                continue
            if rng.random() >= CHANGED_SHARE:
                kept.append(showtime)
                continue
            kind = rng.choices(kinds, weights)[0]
            if kind == "cancelled":
                continue
            showtime = dict(showtime)
            if kind == "version" and language != "FRENCH":
                original = showtime["diffusionVersion"] == "ORIGINAL"
                showtime["diffusionVersion"] = "DUBBED" if original else "ORIGINAL"
                showtime["languages"] = ["FRENCH"] if original else [language]
            elif kind == "experience":
                if _is_classic(showtime):
                    showtime.update(THREE_D)
                else:
                    showtime.update(projection=["DIGITAL"], experience=None)
            else:  # a time change (also a French film's "version" change: it has no VO)
                start = _start(showtime)
                free = [
                    moved for slot in slots if (moved := dt.datetime.combine(start.date(), slot)) not in taken
                ]
                if free:
                    moved = rng.choice(free)
                    taken.add(moved)
                    showtime["startsAt"] = moved.strftime("%Y-%m-%dT%H:%M:%S")
            kept.append(showtime)
        for slot in sorted(rng.sample(range(len(slots)), min(len(dropped), len(slots)))):
            if language == "FRENCH":
                version, spoken = "LOCAL", ["FRENCH"]
            elif rng.random() < 0.3:
                version, spoken = "ORIGINAL", [language]
            else:
                version, spoken = "DUBBED", ["FRENCH"]
            kept.append(
                {
                    "startsAt": dt.datetime.combine(new_day, slots[slot]).strftime("%Y-%m-%dT%H:%M:%S"),
                    "diffusionVersion": version,
                    **_presentation(rng),
                    "languages": spoken,
                    "service": [],
                }
            )
        edge["node"]["showtimes"] = sorted(kept, key=_start)
        if synopsis_edited(film.rank):
            movie["synopsis"] += "<p>Synopsis corrigé par le distributeur.</p>"
    after = classic_refs(edges, tz, at)
    offers_after = offer_fingerprints(edges)
    return ShiftedFeed(
        body=json.dumps(feed, ensure_ascii=False).encode(),
        showtimes=sum(len(edge["node"]["showtimes"]) for edge in edges),
        created=len(after - before),
        vanished=len(before - after),
        kept=len(before & after),
        offers=len(offers_after),
        offers_changed=sum(
            movie_id in offers_before and offers_before[movie_id] != fingerprint
            for movie_id, fingerprint in offers_after.items()
        ),
        booked_ref=_booked_ref(before - after, after - before) if booked_vanishes(index) else None,
    )


# --- Between the two days, and the checks (in the import's process, with Django) ------------------


def prepare_shift(theaters: int, booked_refs: dict[str, str]) -> dict:
    """What pros do between the two days: a price changed, a showtime booked that the next feed no
    longer lists (`booked_refs`: the generator's, {theatre index: provider_ref})."""
    from django.db.models import F

    from benchmarks.scenarios.allocine_feeds import venue_siret
    from passculture.core.offers.models import Stock
    from passculture.core.providers.allocine.models import AllocineVenueSettings

    repriced = [venue_siret(index) for index in range(theaters) if price_changed(index)]
    AllocineVenueSettings.objects.filter(venue__siret__in=repriced).update(
        price_cents=F("price_cents") + PRICE_CHANGE_CENTS
    )
    booked = [
        Stock.objects.get(offer__venue__siret=venue_siret(int(index)), provider_ref=ref, is_deleted=False).pk
        for index, ref in sorted(booked_refs.items(), key=lambda item: int(item[0]))
    ]
    Stock.objects.filter(pk__in=booked).update(booked_quantity=1)
    return {"repriced_venues": len(repriced), "booked_stock_ids": booked}


def shift_checks(theaters: int, totals: dict, prepared: dict, before: dict, shift: dict) -> dict:
    """The shift's counts against the generator's; `before`: the database counts before the shift."""
    from passculture.core.offers.models import Stock
    from passculture.core.providers.allocine.models import AllocineVanishedShowtime

    runs = shift["runs"]
    booked = prepared["booked_stock_ids"]
    created, vanished = totals["shift_created"], totals["shift_vanished"]
    kept_booked = Stock.objects.filter(pk__in=booked, is_deleted=False).count()
    alerts = AllocineVanishedShowtime.objects.filter(stock_id__in=booked, resolved_at__isnull=True).count()
    return {
        "shift_runs_ok_or_partial_for_booked": runs["runs"] == theaters
        and runs["by_status"] == {"ok": theaters - len(booked), "partial": len(booked)},
        "shift_showtimes_created": runs["showtimes_created"] == created,
        "shift_showtimes_deleted": runs["showtimes_deleted"] == vanished - len(booked),
        "shift_booked_kept_and_alerted": runs["showtimes_kept_booked"]
        == len(booked)
        == kept_booked
        == alerts,
        "shift_repriced_showtimes_updated": runs["showtimes_updated"] == totals["shift_kept_repriced"],
        "shift_offers_updated": runs["offers_updated"] == totals["shift_offers_changed"]
        and runs["offers_created"] == 0,
        "shift_stock_counts": shift["db"]["stocks"] == before["stocks"] + created
        and shift["db"]["live_stocks"] == before["live_stocks"] + created - (vanished - len(booked)),
        "shift_compares_every_programme": runs["programme_unchanged"] == 0,
    }
