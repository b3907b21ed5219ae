"""Quiet hours (issue 16 point 7): nothing is sent to a person between 22:00 and 08:00 in their local
time, except what answers something they just did (a booking they made, a sign-in link they asked for).

Every channel (the email outbox, web push) defers a message queued in quiet hours to the next 08:00
local with `next_allowed`; whoever sends it later sends it then. Pure functions of an instant and an
IANA timezone name, so the boundaries are tested with any instants.
"""

import datetime as dt
from zoneinfo import ZoneInfo

QUIET_FROM = dt.time(22, 0)
QUIET_UNTIL = dt.time(8, 0)
# A person with no known place (no venue, no department) is told in metropolitan French time.
DEFAULT_TIMEZONE = "Europe/Paris"


def is_quiet(moment: dt.datetime, tz_name: str) -> bool:
    local = moment.astimezone(ZoneInfo(tz_name)).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL


def next_allowed(moment: dt.datetime, tz_name: str) -> dt.datetime:
    """`moment` itself when outside quiet hours, else the next 08:00 local, in UTC."""
    if not is_quiet(moment, tz_name):
        return moment
    zone = ZoneInfo(tz_name)
    local = moment.astimezone(zone)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, QUIET_UNTIL, tzinfo=zone).astimezone(dt.UTC)
