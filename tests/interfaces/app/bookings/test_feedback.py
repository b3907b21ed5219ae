""" "Tu as aimé ?" in my bookings (list and ticket page): two buttons in a form, once, then "Merci !"."""

import datetime as dt
import html

import pytest
from django.urls import reverse

from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.feedback import give_feedback
from passculture.core.bookings.models import BookingFeedback
from passculture.core.bookings.services import CounterActor, undo_validation
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import UserFactory

from .conftest import NOW

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
H = dt.timedelta(hours=1)
QUESTION = 'data-feedback="ask"'


def used(user, *, start=NOW - 5 * H, name="Le Phare"):
    booking = BookingFactory(user=user, stock=StockFactory(beginning_datetime=start, offer__name=name))
    booking.mark_as_used(start)
    booking.save()
    return booking


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return html.unescape(response.content.decode())


def past_tab(client) -> str:
    return text(client.get(reverse("app:bookings"), {"onglet": "passees"}))


def answer(client, booking, value, **extra):
    return client.post(reverse("app:booking_feedback", args=[booking.pk]), {"avis": value, **extra})


def test_a_used_booking_asks_with_two_labelled_buttons_in_the_list_and_on_its_page(logged_in, beneficiary):
    booking = used(beneficiary)
    for page in (past_tab(logged_in), text(logged_in.get(reverse("app:booking", args=[booking.pk])))):
        assert QUESTION in page
        assert "Tu as aimé" in page
        assert '<button type="submit" name="avis" value="aime"' in page
        assert ">J'ai aimé</button>" in page
        assert ">Je n'ai pas aimé</button>" in page
        assert f'action="/reservations/{booking.pk}/avis/"' in page


def test_answering_from_the_list_thanks_and_comes_back_to_the_list_without_the_question(
    logged_in, beneficiary
):
    booking = used(beneficiary)
    response = answer(logged_in, booking, "aime", retour="liste")
    assert response.status_code == 302
    assert response.url == f"/reservations/?onglet=passees#avis-{booking.pk}"
    page = text(logged_in.get(response.url))
    assert "Merci ! Ton avis aide les autres jeunes" in page
    assert QUESTION not in page
    assert 'data-feedback="liked"' in page
    assert BookingFeedback.objects.get(booking=booking).liked is True


def test_answering_from_the_ticket_page_comes_back_to_it(logged_in, beneficiary):
    booking = used(beneficiary)
    response = answer(logged_in, booking, "pas-aime")
    assert response.url == f"/reservations/{booking.pk}/#avis-{booking.pk}"
    page = text(logged_in.get(response.url))
    assert 'data-feedback="disliked"' in page
    assert "tu n'as pas aimé." in page
    assert BookingFeedback.objects.get(booking=booking).liked is False


def test_a_second_answer_is_refused_in_french_and_the_first_stays(logged_in, beneficiary):
    booking = used(beneficiary)
    answer(logged_in, booking, "aime")
    response = answer(logged_in, booking, "pas-aime")
    page = text(logged_in.get(response.url))
    assert "Tu as déjà donné ton avis sur cette réservation" in page
    assert BookingFeedback.objects.get(booking=booking).liked is True


@pytest.mark.parametrize("value", ["", "oui", "AIME", "x" * 5000, "aime\x00"])
def test_an_unknown_answer_is_refused_with_a_sentence(logged_in, beneficiary, value):
    booking = used(beneficiary)
    response = answer(logged_in, booking, value)
    assert response.status_code == 302
    assert "Choisis « J'ai aimé » ou « Je n'ai pas aimé »." in text(logged_in.get(response.url))
    assert not BookingFeedback.objects.exists()


def test_another_persons_booking_is_404(logged_in):
    booking = used(UserFactory())
    assert answer(logged_in, booking, "aime").status_code == 404
    assert not BookingFeedback.objects.exists()


def test_answering_needs_a_post(logged_in, beneficiary):
    booking = used(beneficiary)
    assert logged_in.get(reverse("app:booking_feedback", args=[booking.pk])).status_code == 405


def test_a_confirmed_booking_is_not_asked_and_an_answer_is_refused(logged_in, beneficiary):
    booking = BookingFactory(user=beneficiary, stock=StockFactory(beginning_datetime=NOW - 5 * H))
    assert QUESTION not in past_tab(logged_in)
    response = answer(logged_in, booking, "aime")
    assert "Tu pourras donner ton avis une fois ta place validée" in text(logged_in.get(response.url))


def test_a_show_validated_at_the_door_is_asked_only_once_over(logged_in, beneficiary):
    booking = used(beneficiary, start=NOW - H / 2)
    page = text(logged_in.get(reverse("app:booking", args=[booking.pk])))
    assert QUESTION not in page
    response = answer(logged_in, booking, "aime")
    assert "Tu pourras donner ton avis à la fin de la séance" in text(logged_in.get(response.url))


def test_an_undone_validation_hides_the_answer(logged_in, beneficiary, pro, venue):
    booking = BookingFactory(
        user=beneficiary, stock=StockFactory(offer=OfferFactory(venue=venue), beginning_datetime=NOW - 5 * H)
    )
    booking.mark_as_used(NOW - 5 * H)
    booking.save()
    give_feedback(beneficiary, booking.pk, True)
    undo_validation(CounterActor.for_user(pro), booking.token)
    page = text(logged_in.get(reverse("app:booking", args=[booking.pk])))
    assert "data-feedback" not in page


def test_the_list_reads_the_answers_without_a_query_per_booking(
    logged_in, beneficiary, django_assert_max_num_queries
):
    for index in range(3):
        give_feedback(beneficiary, used(beneficiary, name=f"Film {index}").pk, index % 2 == 0)
    for index in range(3):
        used(beneficiary, name=f"Autre {index}")
    # The same four queries as the list without answers (session, user, bookings, tickets).
    with django_assert_max_num_queries(4):
        page = past_tab(logged_in)
    assert page.count(QUESTION) == 3
    assert page.count('data-feedback="liked"') == 2


@pytest.mark.parametrize("booking_id", ["987654", "99999999999999999999"])
def test_an_unknown_or_out_of_bounds_booking_is_404(logged_in, booking_id):
    assert logged_in.post(f"/reservations/{booking_id}/avis/", {"avis": "aime"}).status_code == 404
