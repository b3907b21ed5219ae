"""Two answers to "Tu as aimé ?" at once on PostgreSQL (two connections): one is kept, the other refused
with FEEDBACK_ALREADY_GIVEN, never a 500 from the unique index."""

import datetime as dt
from collections import Counter

from django.utils import timezone

from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.feedback import give_feedback
from passculture.core.bookings.models import BookingFeedback
from passculture.core.offers.factories import StockFactory

from .test_concurrency import concurrent, run_concurrently


@concurrent
def test_two_answers_at_once_keep_one_and_refuse_the_other():
    start = timezone.now() - dt.timedelta(hours=5)
    booking = BookingFactory(stock=StockFactory(beginning_datetime=start))
    booking.mark_as_used(start)
    booking.save()

    outcomes = run_concurrently(
        [
            lambda: give_feedback(booking.user, booking.pk, True),
            lambda: give_feedback(booking.user, booking.pk, False),
        ]
    )

    assert Counter(o.kind for o in outcomes) == Counter({"ok": 1, "refused": 1}), outcomes
    assert [o.value for o in outcomes if o.kind == "refused"] == ["FEEDBACK_ALREADY_GIVEN"]
    kept = next(o.value for o in outcomes if o.kind == "ok")
    assert list(BookingFeedback.objects.values_list("pk", "liked")) == [(kept.pk, kept.liked)]
