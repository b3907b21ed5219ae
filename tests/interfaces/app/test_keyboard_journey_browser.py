"""One journey with the keyboard only, on a phone-sized screen (390x844): from the film page, Tab to a
showtime, Enter to open the booking page, Tab to the confirm button, Space to book, then Tab on the ticket
to "Ajouter à mon agenda" and Enter to download it. No click, no fill: `page.keyboard` alone. After every
Tab the focus is on an element (never lost to <body>) and is visibly marked (an outline or a shadow)."""

import datetime as dt

import pytest

from passculture.core.bookings.models import Booking
from passculture.core.common.time import local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PHONE = {"width": 390, "height": 844}
BELLECOUR = "lat=45.76020&lon=4.83570"
# Enough for every link of a page before its main action (header, tabs, day chips...), not enough to
# hide a focus trap going round in circles.
MAX_TABS = 60

# The focused element, whether the focus shows (its own outline or shadow, or that of its ::after, which
# poster cards use to outline the whole card), and its text.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) {
    return {lost: true};
  }
  const drawn = (style) => (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== "none");
  return {
    lost: false,
    visible: el.matches(":focus-visible") && (drawn(getComputedStyle(el)) || drawn(getComputedStyle(el, "::after"))),
    text: (el.innerText || el.value || el.getAttribute("aria-label") || "").replace(/\\s+/g, " ").trim(),
    html: el.outerHTML.slice(0, 160),
  };
}"""


def tab_to(page, starts_with: str, backwards: bool = False) -> dict:
    """Tabs (or Shift+Tabs) until the focused element's text starts with `starts_with`; every stop on the
    way must show its focus."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focus = page.evaluate(FOCUS)
        assert not focus["lost"], f"the focus was lost after a Tab on {page.url}"
        assert focus["visible"], f"the focus does not show on {focus['html']} ({page.url})"
        if focus["text"].startswith(starts_with):
            return focus
    raise AssertionError(f"{starts_with!r} not reached with {MAX_TABS} Tabs on {page.url}")


@pytest.fixture
def showtime(transactional_db):
    film = find_or_create_film(title="La Traversée du Rhône", allocine_id="7007", duration_minutes=104)
    venue = VenueFactory(
        name="Ciné Lumière Bellecour",
        city="Lyon",
        postal_code="69002",
        latitude="45.757800",
        longitude="4.832000",
    )
    offer = OfferFactory(film=film, name=film.title, venue=venue, is_duo=False)
    day = to_local(utcnow(), "Europe/Paris").date() + dt.timedelta(days=3)
    when = local_to_utc(dt.datetime.combine(day, dt.time(20, 30)), "Europe/Paris")
    return StockFactory(
        offer=offer,
        beginning_datetime=when,
        booking_limit_datetime=when,
        version="VO",
        price_cents=750,
        quantity=None,
    )


def test_book_a_showtime_and_reach_the_calendar_with_the_keyboard_only(page, live_server, client, showtime):
    page.set_viewport_size(PHONE)
    user = UserFactory(first_name="Noé")
    DepositFactory(user=user)
    log_in(page, client, user, live_server.url)
    page.goto(f"{live_server.url}/films/{showtime.offer.film_id}/?{BELLECOUR}")

    # The first Tab is the skip link, shown when focused.
    focus = tab_to(page, "Aller au contenu")
    assert page.get_by_role("link", name="Aller au contenu").is_visible()
    tab_to(page, "20h30")
    # One step back and forth: Shift+Tab leaves the showtime, Tab comes back to it.
    page.keyboard.press("Shift+Tab")
    assert not page.evaluate(FOCUS)["text"].startswith("20h30")
    focus = tab_to(page, "20h30")
    assert "VO" in focus["text"]
    screenshot(page, "app-keyboard-01-showtime-focused")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/reserver/{showtime.pk}/")

    tab_to(page, "Confirmer la réservation")
    screenshot(page, "app-keyboard-02-confirm-focused")
    assert_accessible(page, "app-keyboard-02-confirm-focused")
    page.keyboard.press("Space")
    page.wait_for_url("**/reservations/*/")
    booking = Booking.objects.get(user=user)
    assert page.url == f"{live_server.url}/reservations/{booking.pk}/"

    tab_to(page, "Ajouter à mon agenda")
    screenshot(page, "app-keyboard-03-calendar-focused")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".ics")
