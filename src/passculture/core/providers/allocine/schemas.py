"""The Allociné GraphQL proxy's answer to `movieShowtimeList`, and how a feed is read.

Only the fields the import uses are modelled; every other field is ignored, so that Allociné adding a
field never breaks an import. Lists the proxy sends as `null` are read as empty lists.

A feed is read film by film (`parse_feed`): one film that does not match the shape is dropped, logged
and reported, the others are kept. Only an answer that is not the expected envelope fails as a whole.
"""

import datetime as dt
import hashlib
import html
import json
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

from .exceptions import AllocineBadPayload

logger = logging.getLogger(__name__)

DESCRIPTION_LINK_PREFIX = "Tous les détails du film sur AlloCiné: "
SPECIAL_EVENT_TYPE = "SPECIAL_EVENT"
CLASSIC_PROJECTION = "DIGITAL"
VERSION_BY_DIFFUSION = {"LOCAL": "VF", "DUBBED": "VF", "ORIGINAL": "VO"}
DIRECTOR_POSITION = "DIRECTOR"

T = TypeVar("T")


def _none_to_empty(value: Any) -> Any:
    return [] if value is None else value


def _to_str_list(value: Any) -> Any:
    """`experience` comes as null, one string or a list of strings depending on the theatre."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return value


def _number_to_str(value: Any) -> Any:
    # A visa number is an identifier: some feeds send it as a JSON number.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _require_text(value: Any) -> Any:
    # Refuse numbers (epoch seconds) and other non-text values that pydantic would otherwise coerce.
    if not isinstance(value, str):
        raise ValueError("une date et heure ISO 8601 (texte) est attendue")
    return value


# Null is accepted, then replaced by an empty list. After-validators (not before-validators) so that
# pydantic reads a feed's JSON text straight into the models: a before-validator would need each list
# turned into Python objects first (see parse_feed).
if TYPE_CHECKING:
    EmptyIfNull = list[T]
    StrList = list[str]
else:
    EmptyIfNull = Annotated[list[T] | None, AfterValidator(_none_to_empty)]
    StrList = Annotated[list[str] | str | None, AfterValidator(_to_str_list)]
NonBlankStr = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

_DURATION = re.compile(
    r"^P(?:(?P<days>\d+)D)?(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?$"
)
_TAG = re.compile(r"<[^>]*>")
_LINE_BREAK_TAG = re.compile(r"<\s*(?:br|/p)\s*/?\s*>", re.IGNORECASE)
_BLANKS = re.compile(r"[ \t\u00a0]+")


def parse_duration_minutes(value: str | None) -> int | None:
    """Minutes in an ISO-8601 duration ("PT1H42M0S" -> 102); None when absent or unreadable."""
    if not value:
        return None
    match = _DURATION.match(value.strip().upper())
    if not match or value.strip().upper() in ("P", "PT"):
        return None
    parts = {name: int(number) for name, number in match.groupdict(default="0").items()}
    total_seconds = parts["days"] * 86400 + parts["hours"] * 3600 + parts["minutes"] * 60 + parts["seconds"]
    return round(total_seconds / 60)


def unescape_url(value: str) -> str:
    """The proxy sometimes sends URLs JSON-escaped twice ("https:\\/\\/...") or with HTML entities."""
    return html.unescape(value.replace("\\/", "/")).strip()


def clean_text(value: str | None) -> str:
    """Plain text from a synopsis that may hold HTML tags, entities and escaped slashes."""
    if not value:
        return ""
    text = _LINE_BREAK_TAG.sub("\n", value.replace("\\/", "/"))
    text = _TAG.sub("", text)
    # Entities are sometimes encoded twice ("&amp;#039;"): unescape until nothing changes.
    for _ in range(3):
        unescaped = html.unescape(text)
        if unescaped == text:
            break
        text = unescaped
    lines = (_BLANKS.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class Poster(_Lenient):
    url: str | None = None


class Backlink(_Lenient):
    url: str | None = None
    label: str | None = None


class MovieData(_Lenient):
    eidr: str | None = None
    production_year: int | None = Field(default=None, alias="productionYear")


class ReleaseDate(_Lenient):
    date: dt.date | None = None


class ReleaseData(_Lenient):
    visa_number: Annotated[str | None, BeforeValidator(_number_to_str)] = None


class Release(_Lenient):
    name: str | None = None
    release_date: ReleaseDate | None = Field(default=None, alias="releaseDate")
    data: ReleaseData | None = None


class Person(_Lenient):
    first_name: str | None = Field(default=None, alias="firstName")
    last_name: str | None = Field(default=None, alias="lastName")

    @property
    def full_name(self) -> str:
        return " ".join(part.strip() for part in (self.first_name, self.last_name) if part and part.strip())


class Position(_Lenient):
    name: str | None = None


class CreditNode(_Lenient):
    person: Person | None = None
    position: Position | None = None


class CreditEdge(_Lenient):
    node: CreditNode


class Credits(_Lenient):
    edges: EmptyIfNull[CreditEdge] = Field(default_factory=list)


class CastNode(_Lenient):
    actor: Person | None = None
    role: str | None = None


class CastEdge(_Lenient):
    node: CastNode


class Cast(_Lenient):
    edges: EmptyIfNull[CastEdge] = Field(default_factory=list)


class Country(_Lenient):
    name: str | None = None
    alpha3: str | None = None


class Company(_Lenient):
    name: str | None = None


class CompanyCredit(_Lenient):
    activity: str | None = None
    company: Company | None = None


class Movie(_Lenient):
    id: NonBlankStr
    internal_id: int = Field(alias="internalId")
    title: NonBlankStr
    original_title: str | None = Field(default=None, alias="originalTitle")
    type: str | None = None
    runtime: str | None = None
    poster: Poster | None = None
    synopsis: str | None = None
    backlink: Backlink | None = None
    data: MovieData | None = None
    releases: EmptyIfNull[Release] = Field(default_factory=list)
    credits: Credits | None = None
    cast: Cast | None = None
    countries: EmptyIfNull[Country] = Field(default_factory=list)
    genres: EmptyIfNull[str] = Field(default_factory=list)
    companies: EmptyIfNull[CompanyCredit] = Field(default_factory=list)

    @property
    def duration_minutes(self) -> int | None:
        return parse_duration_minutes(self.runtime)

    @property
    def is_special_event(self) -> bool:
        return self.type == SPECIAL_EVENT_TYPE

    @property
    def poster_url(self) -> str | None:
        if self.poster is None or not self.poster.url:
            return None
        return unescape_url(self.poster.url) or None

    @property
    def allocine_url(self) -> str | None:
        """The film's page on allocine.fr, unescaped."""
        if self.backlink is None or not self.backlink.url:
            return None
        return unescape_url(self.backlink.url) or None

    @property
    def visa(self) -> str | None:
        for release in self.releases:
            if release.data and release.data.visa_number and release.data.visa_number.strip():
                return release.data.visa_number.strip()
        return None

    @property
    def release_date(self) -> dt.date | None:
        """The date of the release called "Released" (the cinema release), else the earliest one."""
        dated = [
            (release.name, release.release_date.date)
            for release in self.releases
            if release.release_date and release.release_date.date
        ]
        for name, released_on in dated:
            if (name or "").strip().lower() == "released":
                return released_on
        return min((released_on for _, released_on in dated), default=None)

    @property
    def directors(self) -> list[str]:
        if self.credits is None:
            return []
        return [
            edge.node.person.full_name
            for edge in self.credits.edges
            if edge.node.person
            and edge.node.person.full_name
            and edge.node.position
            and edge.node.position.name == DIRECTOR_POSITION
        ]

    @property
    def cast_names(self) -> list[str]:
        if self.cast is None:
            return []
        return [
            edge.node.actor.full_name
            for edge in self.cast.edges
            if edge.node.actor and edge.node.actor.full_name
        ]

    @property
    def country_names(self) -> list[str]:
        return [country.name for country in self.countries if country.name]

    @property
    def description(self) -> str:
        """RULES.md: the synopsis, a new line, then "Tous les détails du film sur AlloCiné: <url>"."""
        synopsis = clean_text(self.synopsis)
        url = self.allocine_url
        link = f"{DESCRIPTION_LINK_PREFIX}{url}" if url else ""
        return "\n".join(part for part in (synopsis, link) if part)


class Showtime(_Lenient):
    # Local time of the theatre, without offset: the import reads it in the venue's timezone.
    starts_at: Annotated[dt.datetime, BeforeValidator(_require_text)] = Field(alias="startsAt")
    diffusion_version: str | None = Field(default=None, alias="diffusionVersion")
    projection: EmptyIfNull[str] = Field(default_factory=list)
    experience: StrList = Field(default_factory=list)
    languages: EmptyIfNull[str] = Field(default_factory=list)

    @property
    def version(self) -> str | None:
        """ "VF" (LOCAL, DUBBED) or "VO" (ORIGINAL); None for a version Allociné adds later."""
        return VERSION_BY_DIFFUSION.get((self.diffusion_version or "").upper())

    @property
    def is_classic(self) -> bool:
        """Only classic showtimes are imported: first projection DIGITAL and no special experience."""
        return bool(self.projection) and self.projection[0] == CLASSIC_PROJECTION and not self.experience


class Film(_Lenient):
    """One `edges[].node`: a movie and its showtimes in this theatre."""

    movie: Movie
    showtimes: EmptyIfNull[Showtime] = Field(default_factory=list)


class _Connection(_Lenient):
    total_count: int | None = Field(default=None, alias="totalCount")
    # Validated one by one in parse_feed, so that one bad film does not fail the others.
    edges: EmptyIfNull[Any] = Field(default_factory=list)


class _Envelope(_Lenient):
    movie_showtime_list: _Connection = Field(alias="movieShowtimeList")


class _Edge(_Lenient):
    node: Film


class _ValidConnection(_Lenient):
    total_count: int | None = Field(default=None, alias="totalCount")
    edges: EmptyIfNull[_Edge] = Field(default_factory=list)


class _ValidEnvelope(_Lenient):
    """The whole answer at once, read from the JSON text by pydantic: no intermediate dicts and lists
    (a theatre's feed is tens of thousands of them), which is most of the cost of reading a feed in
    which every film is valid, the common case."""

    movie_showtime_list: _ValidConnection = Field(alias="movieShowtimeList")


@dataclass(frozen=True)
class FeedParseResult:
    films: list[Film] = field(default_factory=list)
    # (movie id, or "#<index>" when the film has no readable id; message)
    errors: list[tuple[str, str]] = field(default_factory=list)
    total_count: int | None = None
    # SHA-256 of the answer as received ("" when it was given as a dict): tells an identical feed.
    content_sha256: str = ""


def _summary(error: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in item['loc']) or '(racine)'}: {item['msg']}"
        for item in error.errors()
    )


def _film_ident(edge: Any, index: int) -> str:
    if isinstance(edge, dict):
        node = edge.get("node")
        movie = node.get("movie") if isinstance(node, dict) else None
        movie_id = movie.get("id") if isinstance(movie, dict) else None
        if isinstance(movie_id, str | int) and str(movie_id).strip():
            return str(movie_id).strip()
    return f"#{index}"


def parse_feed(raw: str | bytes | dict[str, Any], *, theater_id: str | None = None) -> FeedParseResult:
    """Read a `movieShowtimeList` answer film by film; raises AllocineBadPayload if it is no such answer."""
    content_sha256 = ""
    if isinstance(raw, str | bytes):
        content_sha256 = hashlib.sha256(raw.encode() if isinstance(raw, str) else raw).hexdigest()
        try:
            valid = _ValidEnvelope.model_validate_json(raw).movie_showtime_list
        except ValidationError:
            pass  # read again film by film below, to keep the valid films and say what is wrong
        else:
            return FeedParseResult(
                films=[edge.node for edge in valid.edges],
                total_count=valid.total_count,
                content_sha256=content_sha256,
            )
        try:
            raw = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            logger.warning("allocine: theater %s: invalid JSON: %s", theater_id, error)
            raise AllocineBadPayload(theater_id=theater_id) from error
    try:
        envelope = _Envelope.model_validate(raw)
    except ValidationError as error:
        logger.warning("allocine: theater %s: unexpected payload: %s", theater_id, _summary(error))
        raise AllocineBadPayload(theater_id=theater_id) from error

    films: list[Film] = []
    errors: list[tuple[str, str]] = []
    for index, edge in enumerate(envelope.movie_showtime_list.edges):
        ident = _film_ident(edge, index)
        try:
            if not isinstance(edge, dict) or "node" not in edge:
                raise ValueError("élément sans « node »")
            films.append(Film.model_validate(edge["node"]))
        except (ValidationError, ValueError) as error:
            message = _summary(error) if isinstance(error, ValidationError) else str(error)
            logger.warning("allocine: theater %s: film %s dropped: %s", theater_id, ident, message)
            errors.append((ident, message))
    return FeedParseResult(
        films=films,
        errors=errors,
        total_count=envelope.movie_showtime_list.total_count,
        content_sha256=content_sha256,
    )
