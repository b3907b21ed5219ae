import pytest


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    """One STATIC_ROOT for every `passculture serve` of the session, linked as `static` into each one's
    var dir. `serve` collects and compresses the static files only when they are not current
    (`collected_static_files_are_current`): the first server of the session does it (a minute or more of
    CPU), the next ones start at once, as a second `make run` does."""
    return tmp_path_factory.mktemp("collected-static")
