"""My credit (/credit/): remaining, initial, expiry, digital cap, history of spendings and refunds."""

import datetime as dt
import html
import re

import pytest
from django.urls import reverse

from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.credit.factories import DepositFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
H = dt.timedelta(hours=1)


def _page(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def _history_rows(page: str) -> list[str]:
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    # Collapse the template's line breaks, not the non-breaking spaces of the amounts.
    return [re.sub(r"[ \n]+", " ", row).strip() for row in body.split("<tr>")[1:]]


@pytest.fixture
def beneficiary():
    user = UserFactory()
    # Granted on 1 March 2026 at 10:00 in Paris, for two years.
    DepositFactory(user=user, granted_at=utc(2026, 3, 1, 9, 0), expires_at=utc(2028, 3, 1, 9, 0))
    return user


def test_the_url_is_the_contract():
    assert reverse("app:credit") == "/credit/"


def test_anonymous_visitors_log_in_first(client):
    response = client.get("/credit/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("app:login"))


def test_a_pro_has_no_credit_page(client):
    client.force_login(ProFactory())
    assert client.get("/credit/").status_code == 403


def test_a_new_credit_shows_remaining_initial_expiry_and_digital_cap(logged_in):
    page = _page(logged_in.get("/credit/"))
    assert '<span class="bk-credit-balance" data-remaining>300\u00a0€</span>' in page
    assert "restants sur 300\u00a0€" in page
    assert "Valable jusqu'au" in page and "1er mars 2028 à 10h00" in page
    assert "100\u00a0€ restants sur le plafond de 100\u00a0€" in page
    assert _history_rows(page) == [
        '<td><time datetime="2026-03-01T09:00:00+00:00">1er mars 2026 à 10h00</time></td> '
        "<td>Crédit pass Culture attribué</td> "
        '<td class="num bk-amount-credit">+300\u00a0€</td> <td class="num">300\u00a0€</td> </tr>'
    ]


def test_book_cancel_and_book_again_in_the_history(logged_in, beneficiary):
    first = book_offer(beneficiary, StockFactory(offer__name="Orbite basse", price_cents=8_00).pk, at=NOW)
    cancel_booking_by_beneficiary(beneficiary, first.pk, at=NOW + H)
    duo = StockFactory(offer__name="Le Phare", offer__is_duo=True, price_cents=7_50)
    second = book_offer(beneficiary, duo.pk, 2, at=NOW + 2 * H)

    page = _page(logged_in.get("/credit/"))

    assert '<span class="bk-credit-balance" data-remaining>285\u00a0€</span>' in page
    rows = _history_rows(page)
    # Newest first, each with the balance after it.
    assert [row.split("</time>")[0].split(">")[-1] for row in rows] == [
        "10 mars 2026 à 15h00",
        "10 mars 2026 à 14h00",
        "10 mars 2026 à 13h00",
        "1er mars 2026 à 10h00",
    ]
    assert f'href="/reservations/{second.pk}/">Réservation « Le Phare », 2 places (duo)' in rows[0]
    assert "−15\u00a0€" in rows[0] and ">285\u00a0€<" in rows[0]
    assert "Remboursement « Orbite basse », 1 place : annulée par toi" in rows[1]
    assert "+8\u00a0€" in rows[1] and ">300\u00a0€<" in rows[1]
    assert (
        "Réservation « Orbite basse », 1 place" in rows[2]
        and "−8\u00a0€" in rows[2]
        and ">292\u00a0€<" in rows[2]
    )


def test_the_history_takes_a_constant_number_of_queries(
    logged_in, beneficiary, django_assert_max_num_queries
):
    for index in range(5):
        book_offer(beneficiary, StockFactory(offer=OfferFactory(name=f"Film {index}")).pk, at=NOW)
    # Session, user, deposit, bookings.
    with django_assert_max_num_queries(4):
        page = _page(logged_in.get("/credit/"))
    assert len(_history_rows(page)) == 6


def test_no_credit_yet_explains_and_links_to_the_identity_check(client):
    client.force_login(UserFactory())
    page = _page(client.get("/credit/"))
    assert "Tu n'as pas encore de crédit pass Culture" in page
    assert f'href="{reverse("app:identity")}"' in page
    assert "<tbody>" not in page


def test_an_expired_credit_says_so_and_shows_zero(client, time_machine):
    user = UserFactory()
    DepositFactory(user=user, granted_at=utc(2024, 3, 1, 9, 0), expires_at=utc(2026, 3, 1, 9, 0))
    client.force_login(user)
    page = _page(client.get("/credit/"))
    assert "Ton crédit a expiré le 1er mars 2026 : il ne peut plus être utilisé." in page
    assert '<span class="bk-credit-balance" data-remaining>0\u00a0€</span>' in page
    assert "Crédit expiré" in _history_rows(page)[0]


def test_a_credit_ending_at_midnight_is_valid_until_the_day_before(client):
    user = UserFactory()
    # Midnight in Paris (UTC+1 in January): the 2025 policy ends on the 21st birthday.
    DepositFactory(user=user, granted_at=utc(2026, 1, 5, 9, 0), expires_at=utc(2028, 1, 4, 23, 0))
    client.force_login(user)
    assert "4 janvier 2028 inclus" in _page(client.get("/credit/"))
