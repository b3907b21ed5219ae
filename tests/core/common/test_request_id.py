import pytest

from passculture.core.common import request_id


@pytest.mark.parametrize("incoming", ["lb-7f3a9c21-0001", "0123456789abcdef", "a" * 64, "trace:span.1_x-y"])
def test_a_well_formed_incoming_id_is_kept(incoming):
    assert request_id.accept(incoming) == incoming


@pytest.mark.parametrize(
    "incoming",
    [None, "", "short", "a" * 65, "-starts-with-dash", "has space 1234", "line\nbreak-1234", "é" * 12],
)
def test_a_missing_or_malformed_id_is_replaced_by_a_new_random_one(incoming):
    accepted = request_id.accept(incoming)
    assert accepted != incoming
    assert len(accepted) == 32 and int(accepted, 16) >= 0
    assert request_id.accept(incoming) != accepted


def test_an_id_is_bound_for_a_block_only():
    assert request_id.current() == ""
    with request_id.bound("req-00000001"):
        assert request_id.current() == "req-00000001"
        with request_id.bound("req-00000002"):
            assert request_id.current() == "req-00000002"
        assert request_id.current() == "req-00000001"
    assert request_id.current() == ""
