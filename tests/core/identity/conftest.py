import pytest

from tests.identity_helpers import private_documents  # noqa: F401  (fixture)


@pytest.fixture(autouse=True)
def _private_documents(private_documents):  # noqa: F811
    return private_documents
