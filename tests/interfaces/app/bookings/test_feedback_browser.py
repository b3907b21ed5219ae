""" "Tu as aimé ?" on a phone: the question under a used booking, a tap, "Merci !" instead of the question;
the same without JavaScript; the film page's share of likes. Screenshots at 390x844 and 360x740, axe."""

import datetime as dt

import pytest

from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.feedback import MIN_ANSWERS_SHOWN, give_feedback
from passculture.core.bookings.models import BookingFeedback
from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.factories import FilmFactory
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONES = {"390": {"width": 390, "height": 844}, "360": {"width": 360, "height": 740}}
DAY = dt.timedelta(days=1)


@pytest.fixture
def beneficiary(transactional_db):
    user = UserFactory(first_name="Léa")
    DepositFactory(user=user)
    return user


def used(user, film, name, days_ago=2):
    start = utcnow() - days_ago * DAY
    venue = VenueFactory(name="Ciné Lumière Bellecour", city="Lyon")
    booking = BookingFactory(
        user=user,
        stock=StockFactory(offer=OfferFactory(venue=venue, film=film, name=name), beginning_datetime=start),
    )
    booking.mark_as_used(start)
    booking.save()
    return booking


def no_sideways_scroll(page):
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", ["390", "360"])
def test_a_young_person_says_they_liked_a_film_from_their_past_bookings(
    page, live_server, client, beneficiary, size
):
    film = FilmFactory(title="Orbite basse")
    booking = used(beneficiary, film, "Orbite basse")
    answered = used(beneficiary, FilmFactory(), "Le Phare", days_ago=9)
    give_feedback(beneficiary, answered.pk, False)
    page.set_viewport_size(PHONES[size])
    log_in(page, client, beneficiary, live_server.url)

    page.goto(f"{live_server.url}/reservations/?onglet=passees")
    question = page.get_by_role("group", name="Tu as aimé « Orbite basse » ?")
    liked = question.get_by_role("button", name="J'ai aimé", exact=True)
    disliked = question.get_by_role("button", name="Je n'ai pas aimé", exact=True)
    assert liked.is_visible() and disliked.is_visible()
    no_sideways_scroll(page)
    screenshot(page, f"app-feedback-question-{size}")
    assert_accessible(page, f"app-feedback-question-{size}")

    liked.click()
    page.wait_for_url(f"{live_server.url}/reservations/?onglet=passees#avis-{booking.pk}")
    assert "Merci ! Ton avis aide les autres jeunes" in page.inner_text("main")
    assert "tu as aimé." in page.locator(f"#avis-{booking.pk}").inner_text()
    assert page.get_by_role("button", name="J'ai aimé").count() == 0
    assert BookingFeedback.objects.get(booking=booking).liked is True
    no_sideways_scroll(page)
    screenshot(page, f"app-feedback-thanks-{size}")
    assert_accessible(page, f"app-feedback-thanks-{size}")

    page.goto(f"{live_server.url}/reservations/{answered.pk}/")
    assert "Merci ! Avis donné" in page.locator(f"#avis-{answered.pk}").inner_text()
    screenshot(page, f"app-feedback-ticket-answered-{size}")
    assert_accessible(page, f"app-feedback-ticket-answered-{size}")


def test_the_ticket_page_asks_too_and_works_without_javascript(live_server, client, page, beneficiary):
    booking = used(beneficiary, None, "Orbite basse")
    context = page.context.browser.new_context(
        java_script_enabled=False, viewport=PHONES["390"], locale="fr-FR"
    )
    phone = context.new_page()
    log_in(phone, client, beneficiary, live_server.url)
    phone.goto(f"{live_server.url}/reservations/{booking.pk}/")
    assert phone.get_by_role("group", name="Tu as aimé « Orbite basse » ?").is_visible()
    screenshot(phone, "app-feedback-ticket-no-js")
    phone.get_by_role("button", name="Je n'ai pas aimé", exact=True).click()
    phone.wait_for_url(f"{live_server.url}/reservations/{booking.pk}/#avis-{booking.pk}")
    assert "tu n'as pas aimé." in phone.inner_text("main")
    assert BookingFeedback.objects.get(booking=booking).liked is False
    context.close()


def test_the_film_page_shows_the_share_of_likes(live_server, page):
    film = FilmFactory(title="Orbite basse", duration_minutes=102, genres=["Science-fiction"])
    StockFactory(offer=OfferFactory(film=film, name="Orbite basse"), beginning_datetime=utcnow() + DAY)
    for index in range(MIN_ANSWERS_SHOWN + 2):
        person = UserFactory()
        give_feedback(person, used(person, film, "Orbite basse").pk, index != 0)
    page.set_viewport_size(PHONES["390"])
    page.goto(f"{live_server.url}/films/{film.pk}/")
    likes = page.locator(".film-page__likes")
    assert likes.inner_text() == "92 % ont aimé (12 avis)"
    no_sideways_scroll(page)
    screenshot(page, "app-feedback-film-page")
    assert_accessible(page, "app-feedback-film-page")
