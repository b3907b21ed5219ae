"""The back office's home: what waits in each queue, each count linking to the list of those rows."""

import re

import pytest
from django.urls import reverse

from passculture.core.bookings.services import book_offer
from passculture.core.common.counting import WAITING_COUNT_CAP
from passculture.core.users.factories import StaffFactory
from passculture.interfaces.backoffice.waiting import Queue, waiting_queues

from .pages import fill_back_office

HOME = reverse("admin:index")
TILE = re.compile(
    r'<li class="bo-tile[^"]*" data-queue="(?P<code>\w+)">\s*<a class="bo-tile__link" href="(?P<url>[^"]+)">\s*'
    r'<span class="bo-tile__label">(?P<label>[^<]+)</span>\s*<span class="bo-tile__count">(?P<count>[^<]+)</span>'
)
QUEUES = {
    "offerers",
    "memberships",
    "bank_accounts",
    "ticketing_links",
    "identity_checks",
    "allocine_vanished",
    "allocine_failures",
    "payment_errors",
    "payment_batches",
}


@pytest.fixture
def staff_client(client, db):
    client.force_login(StaffFactory())
    return client


def tiles(client) -> dict[str, dict]:
    content = client.get(HOME).content.decode()
    return {match["code"]: match.groupdict() for match in TILE.finditer(content.replace("&amp;", "&"))}


def test_nothing_waiting_reads_rien_en_attente(staff_client):
    shown = tiles(staff_client)
    assert set(shown) == QUEUES
    assert {tile["count"] for tile in shown.values()} == {"Rien en attente"}


def test_each_tile_counts_one_item_and_links_to_a_list_showing_it(staff_client, beneficiary, stock, pro):
    fill_back_office(book_offer(beneficiary, stock.pk))
    shown = tiles(staff_client)
    assert {code: tile["count"] for code, tile in shown.items()} == dict.fromkeys(QUEUES, "1")
    for code, tile in shown.items():
        response = staff_client.get(tile["url"])
        assert response.status_code == 200, code
        if "cl" in response.context:  # an admin list filtered on what waits: the same rows
            assert response.context["cl"].result_count == 1, code
    assert shown["payment_errors"]["url"].endswith("?a_traiter=oui")


def test_the_home_costs_one_query_per_tile_whatever_waits(
    staff_client, beneficiary, stock, pro, django_assert_max_num_queries
):
    fill_back_office(book_offer(beneficiary, stock.pk))
    with django_assert_max_num_queries(len(QUEUES) + 6):  # + session, user, recent actions
        staff_client.get(HOME)


def test_a_count_past_the_cap_is_not_spelled_out():
    assert Queue("x", "X", WAITING_COUNT_CAP + 1, "/").shown_count == f"Plus de {WAITING_COUNT_CAP}"
    assert Queue("x", "X", 0, "/").shown_count == "Rien en attente"
    assert Queue("x", "X", 12, "/").shown_count == "12"


def test_the_queues_page_shows_the_same_tiles(staff_client):
    content = staff_client.get(reverse("backoffice:queues")).content.decode()
    for queue in waiting_queues():
        assert f'data-queue="{queue.code}"' in content


def test_a_beneficiary_or_a_pro_is_sent_to_the_login_page(client, beneficiary, pro):
    for user in (beneficiary, pro):
        client.force_login(user)
        response = client.get(HOME)
        assert response.status_code == 302
        assert response["Location"].startswith("/backoffice/login/")
    client.logout()
    assert client.get(HOME)["Location"].startswith("/backoffice/login/")
