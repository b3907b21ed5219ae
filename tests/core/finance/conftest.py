import pytest

from passculture.core.users.factories import StaffFactory


@pytest.fixture
def staff(db):
    return StaffFactory()
