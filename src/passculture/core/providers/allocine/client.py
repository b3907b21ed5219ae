"""Client for Allociné's GraphQL proxy: a theatre's programme (`movieShowtimeList`).

`AllocineClient().get_movie_showtimes(theater_id)` answers a `FeedParseResult` (the films that could be
read, and the ones dropped with why), `fetch_movie_showtimes` the answer's bytes; both raise one of:
- `AllocineUnavailable`: network error, timeout or 5xx, still failing after the retries;
- `AllocineUnauthorized`: 401/403, or no API key configured (retrying would not help);
- `AllocineRequestRejected`: any other 4xx (unknown theatre, rate limit...);
- `AllocineBadPayload`: an answer that is not JSON or not a `movieShowtimeList` envelope.

Base URL, key and read timeout come from settings (ALLOCINE_API_URL, ALLOCINE_API_KEY,
ALLOCINE_API_TIMEOUT); tests and the demo inject an httpx transport instead of the network.
"""

import logging
import time
from collections.abc import Callable
from types import TracebackType

import httpx
from django.conf import settings

from .exceptions import AllocineRequestRejected, AllocineUnauthorized, AllocineUnavailable
from .schemas import FeedParseResult, parse_feed

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://graph-api-proxy.allocine.fr/api/query"
CONNECT_TIMEOUT_SECONDS = 5.0
DEFAULT_READ_TIMEOUT_SECONDS = 20.0
ATTEMPTS = 3
# Doubled after each failed attempt: 0.5 s then 1 s, so a theatre costs at most a few seconds more.
BACKOFF_SECONDS = 0.5


class AllocineClient:
    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        *,
        connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
        attempts: int = ATTEMPTS,
        backoff: float = BACKOFF_SECONDS,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = (base_url or getattr(settings, "ALLOCINE_API_URL", "") or DEFAULT_BASE_URL).rstrip(
            "/"
        )
        self.api_key = api_key if api_key is not None else getattr(settings, "ALLOCINE_API_KEY", "")
        read_timeout = timeout if timeout is not None else getattr(settings, "ALLOCINE_API_TIMEOUT", None)
        self.timeout = httpx.Timeout(
            float(read_timeout if read_timeout is not None else DEFAULT_READ_TIMEOUT_SECONDS),
            connect=connect_timeout,
        )
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self._sleep = sleep
        self._http = httpx.Client(
            timeout=self.timeout,
            transport=transport,
            headers={"Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "AllocineClient":
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def get_movie_showtimes(self, theater_id: str) -> FeedParseResult:
        """The theatre's films and showtimes, read film by film."""
        return parse_feed(self.fetch_movie_showtimes(theater_id), theater_id=theater_id)

    def fetch_movie_showtimes(self, theater_id: str) -> bytes:
        """The theatre's answer as received, not read yet (`parse_feed` reads it); same errors."""
        return self._get("movieShowtimeList", {"theater": theater_id}, theater_id=theater_id).content

    def _get(self, path: str, params: dict[str, str], *, theater_id: str) -> httpx.Response:
        if not self.api_key:
            logger.warning("allocine: theater %s: no ALLOCINE_API_KEY configured", theater_id)
            raise AllocineUnauthorized(
                "Aucune clé d'API AlloCiné n'est configurée (ALLOCINE_API_KEY).", theater_id=theater_id
            )
        url = f"{self.base_url}/{path}"
        headers = {"Authorization": f"Bearer {self.api_key}"}
        last_error: Exception | None = None
        for attempt in range(1, self.attempts + 1):
            if attempt > 1:
                self._sleep(self.backoff * 2 ** (attempt - 2))
            try:
                response = self._http.get(url, params=params, headers=headers)
            except httpx.TransportError as error:  # timeouts, refused or dropped connections
                last_error = error
                logger.warning(
                    "allocine: theater %s: attempt %s/%s failed: %r",
                    theater_id,
                    attempt,
                    self.attempts,
                    error,
                )
                continue
            if response.status_code >= 500:
                last_error = httpx.HTTPStatusError(
                    f"status {response.status_code}", request=response.request, response=response
                )
                logger.warning(
                    "allocine: theater %s: attempt %s/%s answered %s",
                    theater_id,
                    attempt,
                    self.attempts,
                    response.status_code,
                )
                continue
            if response.status_code in (401, 403):
                logger.warning("allocine: theater %s: access refused (%s)", theater_id, response.status_code)
                raise AllocineUnauthorized(theater_id=theater_id, status=response.status_code)
            if response.status_code != 200:
                logger.warning(
                    "allocine: theater %s: request rejected (%s)", theater_id, response.status_code
                )
                raise AllocineRequestRejected(theater_id=theater_id, status=response.status_code)
            return response
        raise AllocineUnavailable(theater_id=theater_id) from last_error
