"""The back office's login (Django's admin page at /backoffice/login/) goes through the throttled sign-in:
the same per-account and per-address limits, French message, 429 and audit entry as every other login."""

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY

from passculture.core.common.models import AuditLog
from passculture.core.users.constants import Role
from passculture.core.users.factories import TEST_PASSWORD, UserFactory
from passculture.core.users.throttling import SIGNIN_BLOCKED

pytestmark = pytest.mark.django_db

URL = "/backoffice/login/"
WRONG = "Pas-le-bon-mot-de-passe"
BLOCKED = "Trop de tentatives de connexion : réessayez dans"


@pytest.fixture
def staff():
    return UserFactory(role=Role.STAFF, is_staff=True, birth_date=None)


def login(client, email, password, remote_addr="127.0.0.1"):
    return client.post(
        URL, {"username": email, "password": password, "next": "/backoffice/"}, REMOTE_ADDR=remote_addr
    )


def test_the_login_page_is_still_django_admin_s(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert "admin/login.html" in [template.name for template in response.templates]


def test_staff_log_in_with_the_right_password(client, staff):
    response = login(client, staff.email, TEST_PASSWORD)

    assert (response.status_code, response["Location"]) == (302, "/backoffice/")
    assert client.session[SESSION_KEY] == str(staff.pk)


def test_a_staff_account_needs_no_confirmed_email_here(client):
    staff = UserFactory(role=Role.STAFF, is_staff=True, birth_date=None, is_email_validated=False)

    assert login(client, staff.email, TEST_PASSWORD).status_code == 302


def test_the_101st_attempt_with_the_right_password_is_refused_then_a_fresh_window_lets_it_in(
    client, staff, time_machine
):
    time_machine.move_to(dt.datetime.now(dt.UTC), tick=False)
    for _ in range(100):
        assert login(client, staff.email, WRONG).status_code in (200, 429)

    refused = login(client, staff.email, TEST_PASSWORD)

    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert BLOCKED in refused.content.decode().replace("&#x27;", "'")
    assert "admin/login.html" in [template.name for template in refused.templates]
    assert SESSION_KEY not in client.session

    time_machine.shift(dt.timedelta(seconds=61))
    assert login(client, staff.email, TEST_PASSWORD).status_code == 302


def test_after_ten_wrong_passwords_the_password_is_no_longer_checked(client, staff):
    statuses = [login(client, staff.email, WRONG).status_code for _ in range(12)]

    assert statuses == [200] * 10 + [429] * 2


def test_a_blocked_back_office_login_is_in_the_audit_log_once(client, staff):
    for _ in range(15):
        login(client, staff.email, WRONG)

    entries = list(AuditLog.objects.filter(action=SIGNIN_BLOCKED))
    assert [(entry.target_id, entry.data["counter"]) for entry in entries] == [(str(staff.pk), "pair")]
    assert WRONG not in str(entries[0].data)


def test_a_non_staff_account_with_its_right_password_is_refused_and_counted_like_a_wrong_password(client):
    pro = UserFactory(role=Role.PRO)

    right = login(client, pro.email, TEST_PASSWORD)
    wrong = login(client, pro.email, WRONG)
    for _ in range(8):
        login(client, pro.email, TEST_PASSWORD)

    assert right.status_code == wrong.status_code == 200
    assert right.context["form"].errors == wrong.context["form"].errors
    assert login(client, pro.email, TEST_PASSWORD).status_code == 429


def test_the_back_office_shares_the_limit_of_the_other_logins(client, staff):
    for _ in range(10):
        client.post("/pro/connexion/", {"username": staff.email, "password": WRONG})

    assert login(client, staff.email, TEST_PASSWORD).status_code == 429
    # Another address is not blocked.
    assert login(client, staff.email, TEST_PASSWORD, remote_addr="198.51.100.7").status_code == 302
