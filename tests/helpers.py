"""Small helpers shared by the tests."""

import pytest

from passculture.core.common.exceptions import DomainError


def error_code(func, *args, **kwargs) -> str:
    """Calls func, expects a DomainError, returns its stable code."""
    with pytest.raises(DomainError) as exc:
        func(*args, **kwargs)
    return exc.value.code
