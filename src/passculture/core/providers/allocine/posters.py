"""Posters of an import: fetched after the venue's transaction (a slow or broken image server never holds
locks and never fails a film), once per film and per run, and stored on the film (core.films), shared by
every cinema showing it. An offer's own image, uploaded by its pro, still comes first (Offer.poster)."""

import datetime as dt
import logging
import uuid
from collections import OrderedDict

import httpx
from django.core.files.base import ContentFile

from passculture.core.common.exceptions import DomainError
from passculture.core.films.services import set_film_poster
from passculture.core.offers.images import MAX_IMAGE_BYTES, prepare_offer_image

from .client import AllocineClient
from .films import FilmLinks
from .models import AllocineImportRun

logger = logging.getLogger(__name__)

POSTER_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
# Prepared posters kept during one import (about 100 KB each): more than the films on show nationally.
POSTER_CACHE_SIZE = 500


class Connections:
    """What one import run shares between its venues: the Allociné client and the poster HTTP client,
    opened at first use (creating an httpx client loads the CA bundle, about 25 ms, and one client keeps
    its connection alive), prepared posters, and the run's films (FilmLinks, and the offers' values of
    each movie)."""

    def __init__(self, client: AllocineClient | None, poster_transport: httpx.BaseTransport | None) -> None:
        self._client = client
        self._own_client = client is None
        self._poster_transport = poster_transport
        self._posters: httpx.Client | None = None
        self._prepared: OrderedDict[str, bytes | Exception] = OrderedDict()
        self.films = FilmLinks()
        # What offers take from each movie (sync._film_values), by movie id.
        self.known_films: dict = {}

    @property
    def allocine(self) -> AllocineClient:
        if self._client is None:
            self._client = AllocineClient()
        return self._client

    @property
    def posters(self) -> httpx.Client:
        if self._posters is None:
            self._posters = httpx.Client(
                timeout=POSTER_TIMEOUT, transport=self._poster_transport, follow_redirects=True
            )
        return self._posters

    def poster_image(self, url: str) -> ContentFile:
        """The checked and resized poster at `url`, downloaded and resized once per import. A failure is
        remembered for the run too, so that a broken or hanging image server is asked once."""
        prepared = self._prepared.get(url)
        if prepared is None:
            try:
                prepared = _download_poster(self.posters, url)
            except Exception as error:
                prepared = error
            self._prepared[url] = prepared
            if len(self._prepared) > POSTER_CACHE_SIZE:
                self._prepared.popitem(last=False)
        else:
            self._prepared.move_to_end(url)
        if isinstance(prepared, Exception):
            raise prepared.with_traceback(None)
        return ContentFile(prepared, name=f"{uuid.uuid4().hex}.jpg")

    def __enter__(self) -> "Connections":
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._posters is not None:
            self._posters.close()
        if self._own_client and self._client is not None:
            self._client.close()


def fetch_posters(
    posters: list[tuple[int, str]], run: AllocineImportRun, at: dt.datetime, connections: Connections
) -> None:
    """`posters`: (film pk, url) pairs. Counted on the run of the theatre that fetched them."""
    for film_id, url in posters:
        try:
            set_film_poster(film_id, connections.poster_image(url), source_url=url, at=at)
        except Exception as error:  # a poster never fails the film, whatever goes wrong
            run.posters_failed += 1
            message = error.message if isinstance(error, DomainError) else type(error).__name__
            logger.warning("allocine: poster %s for film %s failed: %r", url, film_id, error)
            run.errors.append(f"Affiche non récupérée ({url}) : {message}")
        else:
            run.posters_fetched += 1


def _download_poster(http: httpx.Client, url: str) -> bytes:
    response = http.get(url)
    response.raise_for_status()
    content = response.content
    if len(content) > MAX_IMAGE_BYTES:
        raise ValueError("image trop lourde")
    return prepare_offer_image(ContentFile(content, name="poster")).read()
