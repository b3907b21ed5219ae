import html

import pytest
import time_machine
from django.urls import reverse

from passculture.core.credit.factories import DepositFactory
from passculture.core.credit.models import CreditPolicy
from passculture.core.users.factories import ProFactory, StaffFactory, UserFactory
from tests.conftest import utc

pytestmark = pytest.mark.django_db
URL = "/backoffice/credit/baremes/"


def rows(content: str) -> dict[str, str]:
    """Each policy's table row, by code."""
    found = {}
    content = html.unescape(content)
    for code in CreditPolicy.objects.values_list("code", flat=True):
        start = content.index(f'data-policy="{code}"')
        found[code] = content[start : content.index("</tr>", start)]
    return found


def test_the_url_name():
    assert reverse("backoffice:credit-policies") == URL


def test_staff_see_every_policy_with_euros_caps_validity_and_the_one_in_force(client):
    client.force_login(StaffFactory())
    DepositFactory()
    with time_machine.travel(utc(2026, 3, 10, 12), tick=False):
        content = client.get(URL).content.decode()
    by_code = rows(content)
    assert set(by_code) == {"GRANT_18_2019", "GRANT_18_2021", "GRANT_17_2025", "GRANT_18_2025"}
    current = by_code["GRANT_18_2021"]
    assert "en vigueur" in current and "policy-in-force" in current
    assert "300\u00a0€" in current and "100\u00a0€" in current and "2 ans après l'attribution" in current
    assert "21/05/2021" in current and "<td>1</td>" in current  # one deposit granted under it
    old = by_code["GRANT_18_2019"]
    assert "500\u00a0€" in old and "200\u00a0€" in old and "21/05/2021" in old and "en vigueur" not in old
    reform = by_code["GRANT_18_2025"]
    assert "jusqu'au 21e anniversaire" in reform and "<td>non</td>" in reform and "en vigueur" not in reform


def test_in_force_follows_the_data(client):
    client.force_login(StaffFactory())
    CreditPolicy.objects.filter(code="GRANT_18_2025").update(is_active=True)
    with time_machine.travel(utc(2026, 3, 10, 12), tick=False):
        by_code = rows(client.get(URL).content.decode())
    assert "en vigueur" in by_code["GRANT_18_2025"] and "en vigueur" not in by_code["GRANT_18_2021"]


@pytest.mark.parametrize(
    "make_user", [None, UserFactory, ProFactory], ids=["anonymous", "beneficiary", "pro"]
)
def test_only_staff_see_the_policies(client, make_user):
    if make_user is not None:
        client.force_login(make_user())
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
