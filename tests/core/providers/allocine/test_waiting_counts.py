import datetime as dt

import pytest

from passculture.core.offers.factories import StockFactory
from passculture.core.providers.allocine.models import AllocineImportRun, AllocineVanishedShowtime
from passculture.core.providers.allocine.selectors import count_vanished_showtimes_waiting, failed_run_count
from tests.conftest import utc

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


def _alert(booked=1, days=2, **fields):
    stock = StockFactory(beginning_datetime=NOW + dt.timedelta(days=days), booked_quantity=booked)
    return AllocineVanishedShowtime.objects.create(
        venue=stock.offer.venue, stock=stock, detected_at=NOW - dt.timedelta(hours=1), **fields
    )


def test_counts_only_vanished_showtimes_a_pro_still_has_to_act_on():
    _alert()
    _alert(resolved_at=NOW)  # listed again by Allociné
    _alert(acknowledged_at=NOW)  # kept by the pro
    _alert(booked=0)  # nobody booked it any more
    _alert(days=-1)  # already played
    assert count_vanished_showtimes_waiting(at=NOW) == 1


def test_counts_only_failed_or_partial_runs_of_the_last_week(venue):
    def run(status, days_ago):
        AllocineImportRun.objects.create(
            venue=venue, status=status, started_at=NOW - dt.timedelta(days=days_ago)
        )

    run(AllocineImportRun.Status.ERROR, 1)
    run(AllocineImportRun.Status.PARTIAL, 6)
    run(AllocineImportRun.Status.ERROR, 8)
    run(AllocineImportRun.Status.OK, 1)
    assert failed_run_count(at=NOW) == 2
