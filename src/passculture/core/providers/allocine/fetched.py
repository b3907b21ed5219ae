"""A venue's answer from Allociné as the import holds it (used by sync.py): read at once, or kept as bytes
while the memo may still prove the programme unchanged (memo.py), in which case it may never be read.

`fetch_feed` runs in the thread that asks for the next venue's feed while the current one is written: it
never touches the database (`memo_on` is decided by the caller).
"""

import datetime as dt
import hashlib

from . import memo
from .client import AllocineClient
from .models import AllocineVenueSettings
from .schemas import FeedParseResult, parse_feed


class FetchedFeed:
    """`digest`: the memo's digest of this answer ("" when no memo may be kept of it); `may_be_unchanged`:
    the last memo matches its bytes, the settings and the clock, so only the state is left to check (and
    the answer is not read yet)."""

    def __init__(
        self, theater_id: str, digest: str, raw: bytes | None = None, feed: FeedParseResult | None = None
    ) -> None:
        self.theater_id = theater_id
        self.digest = digest
        self.may_be_unchanged = feed is None
        self._raw = raw
        self._feed: FeedParseResult | None = None
        if feed is not None:
            self._keep(feed)

    def read(self) -> FeedParseResult:
        """The films of the answer (read once); raises AllocineBadPayload as the client would."""
        if self._feed is not None:
            return self._feed
        assert self._raw is not None
        raw, self._raw = self._raw, None
        return self._keep(parse_feed(raw, theater_id=self.theater_id))

    def _keep(self, feed: FeedParseResult) -> FeedParseResult:
        self._feed = feed
        if feed.errors:
            self.digest = ""  # no memo of an answer with an invalid film
        return feed


def fetch_feed(
    client: AllocineClient,
    settings_obj: AllocineVenueSettings,
    theater_id: str,
    at: dt.datetime,
    *,
    memo_on: bool,
) -> FetchedFeed:
    """`theater_id`: the settings' theatre's, read by the caller (the theatre may not be loaded yet)."""
    raw = client.fetch_movie_showtimes(theater_id)
    digest = memo.answer_digest(settings_obj, hashlib.sha256(raw).hexdigest()) if memo_on else ""
    last = settings_obj.last_import_memo or {}
    if memo.may_be_unchanged(last, digest, at) and memo.remembered_films(last) is not None:
        return FetchedFeed(theater_id, digest, raw=raw)
    return FetchedFeed(theater_id, digest, feed=parse_feed(raw, theater_id=theater_id))
