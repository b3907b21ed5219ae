import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from passculture.core.common.locking import lock, supports_row_locks
from passculture.core.offers.models import Stock

pytestmark = pytest.mark.django_db


@pytest.mark.postgres_only
def test_lock_takes_only_the_rows_of_the_queried_table(stock):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        lock(Stock.objects.select_related("offer__venue__offerer")).get(pk=stock.pk)
    assert supports_row_locks()
    assert queries[-1]["sql"].endswith('FOR UPDATE OF "offers_stock"')


@pytest.mark.postgres_only
def test_lock_can_skip_rows_locked_elsewhere(stock):
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        list(lock(Stock.objects.all(), skip_locked=True))
    assert queries[-1]["sql"].endswith("SKIP LOCKED")


def test_lock_degrades_to_a_plain_read_without_row_locks(stock):
    with transaction.atomic():
        assert lock(Stock.objects.select_related("offer")).get(pk=stock.pk) == stock
    if not supports_row_locks():
        assert "FOR UPDATE" not in str(lock(Stock.objects.all()).query)
