"""The venue's booking emails page in a real browser at 1440x900: the pro chooses the daily digest, then
sees the refusal of the digest without an address (screenshots + axe; decision 0035)."""

from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offerers.models import Venue
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = BROWSER_MARKS


def test_the_pro_chooses_the_daily_digest_for_one_venue(transactional_db, live_server, page, client):
    membership = MembershipFactory()
    venue = VenueFactory(
        offerer=membership.offerer, name="Ciné Lumière Belleville", booking_email="caisse@belleville.fr"
    )
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, client, membership.user, live_server.url)

    page.goto(f"{live_server.url}/pro/lieux/{venue.pk}/")
    page.get_by_role("link", name="Modifier les e-mails de réservation").click()
    page.wait_for_load_state()
    assert page.get_by_label("Un e-mail par réservation").is_checked()
    screenshot(page, "pro-venue-booking-emails")
    assert_accessible(page, "pro-venue-booking-emails")

    # The digest without an address: refused, said next to the address, nothing saved.
    page.get_by_label("Adresse e-mail de réservation").fill("")
    page.locator("label[for=booking-notification-digest]").click()  # DSFR draws the radio on its label
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert "indiquez-en une" in page.locator("#booking-emails-form").inner_text()
    screenshot(page, "pro-venue-booking-emails-error")
    assert_accessible(page, "pro-venue-booking-emails-error")
    assert Venue.objects.get(pk=venue.pk).booking_notification == "EACH"

    page.get_by_label("Adresse e-mail de réservation").fill("recap@belleville.fr")
    page.locator("label[for=booking-notification-digest]").click()  # DSFR draws the radio on its label
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    assert (
        "Un récapitulatif quotidien, chaque matin" in page.locator("#venue-booking-notification").inner_text()
    )
    saved = Venue.objects.get(pk=venue.pk)
    assert (saved.booking_email, saved.booking_notification) == ("recap@belleville.fr", "DIGEST")
    page.locator("#venue-bookings").scroll_into_view_if_needed()
    screenshot(page, "pro-venue-booking-emails-saved")
    assert_accessible(page, "pro-venue-booking-emails-saved")
