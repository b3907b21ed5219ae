""" "Tu as aimé ?" in the demo (decision 0034): the history's young people (history.py) answered after
most of their shows, so that the films they saw most show "NN % ont aimé" on their page and the pro
portal has counts. The demo accounts one logs in with (jeune, jeune.depense...) answered nothing: their
used bookings still ask the question. A random generator of its own: the rest of the demo stays what
it was."""

import datetime as dt
import random
from typing import TYPE_CHECKING

from passculture.core.bookings.feedback import COUNTED_STATUSES, answerable_from, give_feedback
from passculture.core.bookings.models import Booking

from . import data

if TYPE_CHECKING:
    from .loader import DemoLoader

ANSWER_SHARE = 0.85  # how many of the history's shows were answered
LIKE_SHARE = 0.8
ANSWERED_AFTER = dt.timedelta(hours=2)


def create_feedback(loader: "DemoLoader") -> int:
    rng = random.Random(data.SEED + 34)
    emails = [data.history_email(number) for number in range(1, data.HISTORY_BENEFICIARY_COUNT + 1)]
    bookings = (
        Booking.objects.filter(user__email__in=emails, status__in=COUNTED_STATUSES)
        .select_related("user", "stock", "offer", "venue")
        .order_by("pk")
    )
    answered = 0
    for booking in bookings:
        if rng.random() >= ANSWER_SHARE:
            continue
        start = answerable_from(booking)
        at = (start or booking.used_at) + ANSWERED_AFTER
        if at > loader.at:
            continue
        give_feedback(booking.user, booking.pk, rng.random() < LIKE_SHARE, at=at)
        answered += 1
    return answered
