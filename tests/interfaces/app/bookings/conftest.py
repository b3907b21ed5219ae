import pytest

from tests.conftest import utc

# A Tuesday in March: Paris is UTC+1, La Réunion UTC+4.
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture
def frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def logged_in(client, beneficiary):
    client.force_login(beneficiary)
    return client
