"""Reimbursement periods: cut-offs on the 1st and the 16th of each month, on the Paris clock.

A cut-off is a calendar day. Its instant is 00:00 Europe/Paris that day: a batch pays what became
reimbursable strictly before that instant, so a booking validated on 15 March at 23:59 in Paris goes in
the batch of the 16 March cut-off, one validated at 00:01 on the 16th waits for the 1 April cut-off.

Which fortnight a cut-off closes, and so the label of its transfers: the fortnight that ends the day
before the cut-off. The cut-off of 16 March 2026 closes days 1-15 of March ("1ère quinzaine 03-2026");
the cut-off of 1 April 2026 closes days 16-31 of March ("2nde quinzaine 03-2026"), and the one of
1 January 2027 the 2nd fortnight of December 2026. A batch may also carry older bookings that waited
(no accepted bank account yet): its label still names the fortnight its cut-off closes.

The batch is created the day after its cut-off (late validations of the last evening are then in the
database whatever the jobs' timing); the bank is asked to execute the transfers 7 days after the cut-off.

Cut-offs are computed in Europe/Paris for every venue, overseas ones included: the payment calendar is
the State's, not the venue's.
"""

import calendar
import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from passculture.core.common.exceptions import DomainError, InvalidInput
from passculture.core.common.time import FRENCH_MONTHS, check_input_date, now

CUTOFF_TIMEZONE = "Europe/Paris"
CUTOFF_DAYS = (1, 16)
BATCH_CREATION_DELAY = dt.timedelta(days=1)
EXECUTION_DELAY = dt.timedelta(days=7)
TRANSFER_LABEL_PREFIX = "pass Culture Pro - remboursement"


class NotACutoff(InvalidInput):
    code = "NOT_A_CUTOFF"
    message = "Date de clôture invalide : les remboursements sont arrêtés le 1er et le 16 de chaque mois."


class CutoffNotPassed(InvalidInput):
    code = "CUTOFF_NOT_PASSED"
    message = "Cette date de clôture n'est pas encore passée : son lot de virements ne peut pas être généré."


@dataclass(frozen=True)
class Fortnight:
    """Days 1-15 (half 1) or 16-end of month (half 2) of one month."""

    year: int
    month: int
    half: int

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month, 1 if self.half == 1 else 16)

    @property
    def last_day(self) -> dt.date:
        if self.half == 1:
            return dt.date(self.year, self.month, 15)
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def ordinal(self) -> str:
        return "1ère" if self.half == 1 else "2nde"

    def label(self) -> str:
        """`1ère quinzaine 03-2026`"""
        return f"{self.ordinal} quinzaine {self.month:02d}-{self.year}"

    def describe(self) -> str:
        """`du 1er au 15 mars 2026`, for people."""
        first = "1er" if self.first_day.day == 1 else str(self.first_day.day)
        return f"du {first} au {self.last_day.day} {FRENCH_MONTHS[self.month - 1]} {self.year}"


def is_cutoff(day: dt.date) -> bool:
    return day.day in CUTOFF_DAYS


def check_cutoff(day: dt.date) -> dt.date:
    """The day itself, or NotACutoff (e.g. for a date typed on the command line)."""
    if isinstance(day, dt.datetime) or not is_cutoff(day):
        raise NotACutoff(day=str(day))
    return day


def parse_cutoff(text: str) -> dt.date:
    """`2026-03-16` -> date; anything else (bad format, not a 1st/16th) -> NotACutoff."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError as error:
        raise NotACutoff(
            "Date de clôture invalide : attendu AAAA-MM-JJ, le 1er ou le 16 du mois (ex. 2026-03-16).",
            value=text,
        ) from error
    try:
        check_input_date(day)
    except DomainError as error:  # year 1 or 9999: the batch's dates would overflow
        raise NotACutoff(f"Date de clôture hors limites. {error.message}", value=text) from error
    return check_cutoff(day)


def cutoff_on_or_before(day: dt.date) -> dt.date:
    """The latest cut-off that is `day` or before it."""
    return day.replace(day=16 if day.day >= 16 else 1)


def next_cutoff(day: dt.date) -> dt.date:
    """The first cut-off strictly after `day`: the one whose batch pays what became reimbursable on `day`."""
    if day.day < 16:
        return day.replace(day=16)
    if day.month == 12:
        return dt.date(day.year + 1, 1, 1)
    return dt.date(day.year, day.month + 1, 1)


def previous_cutoff(day: dt.date) -> dt.date:
    """The last cut-off strictly before `day`."""
    return cutoff_on_or_before(day - dt.timedelta(days=1))


def cutoff_instant(cutoff: dt.date) -> dt.datetime:
    """00:00 Paris time on the cut-off day, in UTC: the batch takes what was validated strictly before it."""
    check_cutoff(cutoff)
    local_midnight = dt.datetime.combine(cutoff, dt.time.min, tzinfo=ZoneInfo(CUTOFF_TIMEZONE))
    return local_midnight.astimezone(dt.UTC)


def check_cutoff_passed(cutoff: dt.date, at: dt.datetime) -> dt.date:
    """Refuses a cut-off whose instant (00:00 Paris that day) is still ahead of `at`: its fortnight is not
    over, so a batch made now would miss the bookings validated until then, and being idempotent per
    cut-off it would never take them (they would wait for the next cut-off's batch)."""
    instant = cutoff_instant(cutoff)
    if at < instant:
        raise CutoffNotPassed(
            f"La date de clôture du {_day_label(cutoff)} n'est pas encore passée : son lot de virements "
            f"pourra être généré à partir du {_day_label(cutoff)} à 00h00 (heure de Paris).",
            cutoff=cutoff.isoformat(),
        )
    return cutoff


def _day_label(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def cutoff_for(moment: dt.datetime) -> dt.date:
    """The cut-off whose batch pays a booking that became reimbursable at `moment` (aware datetime)."""
    if moment.tzinfo is None:
        raise ValueError("cutoff_for needs an aware datetime")
    return next_cutoff(moment.astimezone(ZoneInfo(CUTOFF_TIMEZONE)).date())


def batch_creation_day(cutoff: dt.date) -> dt.date:
    return check_cutoff(cutoff) + BATCH_CREATION_DELAY


def requested_execution_date(cutoff: dt.date) -> dt.date:
    return check_cutoff(cutoff) + EXECUTION_DELAY


def latest_due_cutoff(today: dt.date) -> dt.date:
    """The latest cut-off whose batch may be created on `today` (Paris date): its creation day has come."""
    return cutoff_on_or_before(today - BATCH_CREATION_DELAY)


def fortnight_closed_by(cutoff: dt.date) -> Fortnight:
    """The fortnight that ends the day before the cut-off (see the module docstring)."""
    last_day = check_cutoff(cutoff) - dt.timedelta(days=1)
    return Fortnight(year=last_day.year, month=last_day.month, half=1 if last_day.day <= 15 else 2)


def transfer_label(cutoff: dt.date) -> str:
    """`pass Culture Pro - remboursement 1ère quinzaine 03-2026` for the cut-off of 16 March 2026."""
    return f"{TRANSFER_LABEL_PREFIX} {fortnight_closed_by(cutoff).label()}"


def paris_today() -> dt.date:
    return now().astimezone(ZoneInfo(CUTOFF_TIMEZONE)).date()


def due_cutoff() -> dt.date:
    """On the clock: the latest cut-off whose batch may be created now (what the periodic job generates).

    On 16 March at 23:30 Paris time it is still the 1 March cut-off (the 16 March batch waits for the
    17th); from 00:00 on 17 March Paris time (23:00 UTC on the 16th) it is 16 March.
    """
    return latest_due_cutoff(paris_today())
