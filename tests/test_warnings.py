"""The test configuration turns warnings raised by our own code into errors (pyproject filterwarnings)."""

import warnings

import pytest
from ninja import Router
from ninja.testing import TestClient


def test_a_warning_raised_from_a_passculture_module_fails_the_test():
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("old", DeprecationWarning, "core/x.py", 1, module="passculture.core.x")


def test_a_deprecation_of_django_ninja_triggered_by_our_code_fails_the_test():
    """ninja attributes it to its own module (stacklevel 2): the module filter alone would miss it."""
    router = Router()

    @router.post("/old", response={201: dict})
    def old_style(request):
        return 201, {}

    client = TestClient(router)
    with pytest.raises(DeprecationWarning, match="Status"):
        client.post("/old")
