from passculture.core.common.counting import capped_count
from passculture.core.offerers.factories import OffererFactory
from passculture.core.offerers.models import Offerer


def test_counts_every_row_up_to_the_cap(db):
    OffererFactory.create_batch(3)
    assert capped_count(Offerer.objects.all(), cap=5) == 3


def test_stops_one_past_the_cap_in_one_query(db, django_assert_num_queries):
    OffererFactory.create_batch(4)
    with django_assert_num_queries(1) as queries:
        assert capped_count(Offerer.objects.order_by("name"), cap=2) == 3
    assert "LIMIT 3" in queries.captured_queries[0]["sql"]
