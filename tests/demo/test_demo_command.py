import io
import os
import subprocess
import sys

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from passculture.core.users.factories import UserFactory
from passculture.demo import data


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in {"users", "offerers", "offers", "credit", "bookings", "finance"}
    }


def _run(*args) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_running_demo_twice_changes_nothing_the_second_time(db):
    _run()
    first = _counts()
    _run()
    assert _counts() == first
    assert first["bookings.Booking"] > 0
    assert first["finance.BankAccount"] > 0
    assert first["finance.Pricing"] > 0


def test_demo_prints_every_account_and_the_password(db):
    output = _run()
    assert data.DEMO_PASSWORD in output
    assert all(email in output for email in data.ACCOUNT_EMAILS)
    assert "Remboursements :" in output
    assert "passculture payments generate --cutoff" in output


def test_if_empty_does_nothing_when_a_user_exists(db):
    UserFactory()
    output = _run("--if-empty")
    assert _counts()["users.User"] == 1
    assert "non chargées" in output


def test_reset_is_refused_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=0"):
        _run("--reset", "--no-input")
    assert _counts()["users.User"] == 0  # the tables are still there


def test_reset_asks_before_dropping_anything(db, monkeypatch, settings):
    settings.DEBUG = True
    UserFactory()
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    with pytest.raises(CommandError, match="annulée"):
        _run("--reset")
    assert _counts()["users.User"] == 1


def test_reset_drops_the_database_and_the_demo_files_then_reloads_the_demo(tmp_path, migrated_sqlite_file):
    """Run as `make demo-reset` would, on a SQLite file of its own (dropping the test database's
    tables would break every later test), migrated beforehand (a copy of the session's migrated file)."""
    migrated_sqlite_file(tmp_path / "passculture.sqlite3")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "PASSCULTURE_VAR_DIR": str(tmp_path),
        "EMAIL_BACKEND": "locmem",
    }

    def passculture(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "passculture.manage", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    stray = passculture(
        "shell", "-c", "from passculture.core.users.factories import UserFactory; UserFactory(email='x@y.fr')"
    )
    assert stray.returncode == 0, stray.stderr
    leftover = tmp_path / "media" / "leftover.txt"
    leftover.parent.mkdir(parents=True, exist_ok=True)
    leftover.write_text("not the demo's")

    result = passculture("demo", "--reset", "--no-input")

    assert result.returncode == 0, result.stderr
    assert "Données de démonstration chargées." in result.stdout
    assert not leftover.exists()
    check = passculture(
        "shell",
        "-c",
        "from passculture.core.users.models import User; "
        "print(User.objects.filter(email='x@y.fr').count(), User.objects.count() > 10)",
    )
    assert check.stdout.splitlines()[-1].split() == ["0", "True"]
