import io

import pytest
from django.apps import apps
from django.core.management import call_command

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
