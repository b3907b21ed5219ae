import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Count
from PIL import Image
from stdnum.fr import siren, siret

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import Booking
from passculture.core.bookings.services import book_offer
from passculture.core.common.time import age_on, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.credit.selectors import balance_of
from passculture.core.favourites.selectors import favourites_of
from passculture.core.films.models import Film
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.models import Membership, Offerer, Venue
from passculture.core.offers.constants import Category, Version
from passculture.core.offers.drafts import first_incomplete_step
from passculture.core.offers.models import Offer, Stock
from passculture.core.users.models import User
from passculture.core.users.services import authenticate_user
from passculture.demo import allocine_feed, data
from passculture.demo.loader import mark_booking_reimbursed_for_demo
from passculture.demo.posters import POSTER_SIZE

pytestmark = pytest.mark.usefixtures("demo")


def _user(email: str) -> User:
    return User.objects.get(email=email)


def test_bookings_exist_in_every_status(db):
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert statuses == set(BookingStatus.values)


def test_every_demo_account_logs_in_with_the_demo_password(db):
    for email in data.ACCOUNT_EMAILS:
        assert authenticate_user(email, data.DEMO_PASSWORD).email == email


def test_jeune_has_the_full_300_eur_credit(db):
    balance = balance_of(_user(data.YOUNG_EMAIL))
    assert (balance.remaining_cents, balance.is_expired) == (300_00, False)


def test_jeune_depense_has_spent_part_of_the_credit(db):
    balance = balance_of(_user(data.YOUNG_SPENT_EMAIL))
    assert 0 < balance.spent_cents < balance.initial_cents
    assert balance.remaining_cents == balance.initial_cents - balance.spent_cents


def test_jeune_expire_credit_has_expired_after_two_years(db):
    user = _user(data.YOUNG_EXPIRED_EMAIL)
    balance = balance_of(user)
    assert balance.is_expired and balance.remaining_cents == 0
    granted = user.deposits.get().granted_at
    assert age_on(user.birth_date, to_local(granted, settings.TIME_ZONE).date()) == 18


def test_jeune_expire_can_still_book_the_free_screening(db):
    """RULES.md: free showtimes stay bookable after the credit expired; the demo has one near Lyon."""
    stock = Stock.objects.get(offer__name=data.FREE_SCREENING["name"])
    assert stock.price_cents == 0 and stock.offer.poster

    booking = book_offer(_user(data.YOUNG_EXPIRED_EMAIL), stock.pk)

    assert (booking.status, booking.total_amount_cents) == (BookingStatus.CONFIRMED, 0)


def test_jeune17_is_17_and_has_no_credit(db):
    user = _user(data.YOUNG_17_EMAIL)
    assert age_on(user.birth_date, to_local(utcnow(), settings.TIME_ZONE).date()) == 17
    assert not user.deposits.exists()


def test_pro_is_a_validated_member_of_a_validated_offerer(db):
    memberships = Membership.objects.filter(
        user__email=data.PRO_EMAIL, offerer__validation_status=ValidationStatus.VALIDATED
    )
    assert ValidationStatus.VALIDATED in {m.validation_status for m in memberships}


def test_pro_attente_offerer_awaits_validation(db):
    offerers = Offerer.objects.filter(memberships__user__email=data.PRO_PENDING_EMAIL)
    assert [o.is_validated for o in offerers] == [False]


def test_admin_is_staff(db):
    assert _user(data.ADMIN_EMAIL).is_staff


def test_la_reunion_venue_uses_indian_reunion_time(db):
    venue = Venue.objects.get(postal_code="97400")
    assert (venue.city, venue.department_code, venue.timezone) == ("Saint-Denis", "974", "Indian/Reunion")


def test_about_ten_cinemas_in_at_least_five_cities(db):
    venues = Venue.objects.all()
    assert 9 <= venues.count() <= 12
    assert len({v.city for v in venues if v.timezone == "Europe/Paris"}) >= 5


def test_siren_and_siret_are_valid(db):
    assert all(siren.is_valid(o.siren) for o in Offerer.objects.all())
    assert all(siret.is_valid(v.siret) and v.siret.startswith(v.offerer.siren) for v in Venue.objects.all())


def test_about_25_films_each_with_a_400x600_png_poster(db):
    # The films imported from the bundled Allociné feed are tested in test_allocine_demo.py.
    films = (
        Offer.objects.filter(category=Category.SHOWTIME)
        .exclude(provider_ref__startswith="allocine:")
        .exclude(name=data.FREE_SCREENING["name"])
    )
    assert films.values("name").distinct().count() == len(data.FILMS) == 25
    assert not films.filter(film__isnull=True).exists()
    for name in set(films.values_list("film__poster", flat=True)):
        with Image.open(Path(settings.MEDIA_ROOT) / name) as image:
            assert (image.format, image.size) == ("PNG", POSTER_SIZE)


def test_jeune_keeps_two_favourite_films_and_a_cinema_with_showtimes_to_come(db):
    favourites = list(favourites_of(_user(data.YOUNG_EMAIL)))
    assert sorted(f.film.title for f in favourites if f.film) == sorted(data.FAVOURITE_FILMS)
    assert [f.venue.name for f in favourites if f.venue] == ["Ciné Lumière Saint-Michel"]
    for favourite in favourites:
        if favourite.film:
            assert Stock.objects.filter(offer__film=favourite.film, beginning_datetime__gt=utcnow()).exists()


def test_a_film_shown_by_several_cinemas_is_one_film_with_its_poster(db):
    showings = Offer.objects.filter(category=Category.SHOWTIME)
    assert not showings.filter(film__isnull=True).exists()
    # Every film has a poster, and every showing of a title (in several cinemas) is the same film.
    assert not Film.objects.filter(poster="").exists()
    for title in showings.exclude(name=data.FREE_SCREENING["name"]).values_list("name", flat=True).distinct():
        assert showings.filter(name=title).values("film").distinct().count() == 1
    shared = Film.objects.annotate(cinemas=Count("offers__venue", distinct=True)).filter(cinemas__gt=1)
    assert shared.count() >= 20
    # Titles both typed by the demo cinemas and imported from Allociné are one film too.
    orbite = Film.objects.get(title="Orbite basse")
    assert orbite.allocine_id and orbite.offers.filter(provider_ref__startswith="allocine:").exists()
    assert orbite.offers.exclude(provider_ref__startswith="allocine:").exists()
    assert Film.objects.count() == len(
        {*(f.title for f in data.FILMS), *(m.title for m in allocine_feed.MOVIES)}
    )


def test_showtimes_cover_the_next_14_days_at_wall_clock_slots_of_the_venue(db):
    now = utcnow()
    future = Stock.objects.filter(beginning_datetime__gt=now).select_related("offer__venue")
    assert max(s.beginning_datetime for s in future) - now > dt.timedelta(days=12)
    assert max(s.beginning_datetime for s in future) - now < dt.timedelta(days=15)
    for stock in future:
        local = to_local(stock.beginning_datetime, stock.offer.venue.timezone)
        assert (local.hour, local.minute) in data.SHOWTIME_SLOTS


def test_showtimes_come_in_vf_and_vo_with_some_duo_offers_and_limited_seats(db):
    assert set(Stock.objects.exclude(version="").values_list("version", flat=True)) == {
        Version.VF,
        Version.VO,
    }
    assert Offer.objects.filter(is_duo=True).exists()
    assert Offer.objects.filter(is_duo=False, category=Category.SHOWTIME).exists()
    assert Stock.objects.filter(quantity__isnull=False).exists()
    assert Stock.objects.filter(quantity__isnull=True).exists()


def test_a_cinema_card_offer_has_a_dateless_stock(db):
    card = Offer.objects.get(category=Category.CINEMA_CARD)
    assert [s.beginning_datetime for s in card.stocks.all()] == [None]


def test_the_demo_pro_has_one_draft_to_resume_at_its_price_step(db):
    draft = Offer.objects.get(is_draft=True)
    assert Membership.objects.filter(user__email=data.PRO_EMAIL, offerer=draft.venue.offerer).exists()
    assert not draft.is_active and draft.film is not None and draft.stocks.count() == 4
    assert first_incomplete_step(draft) == 4
    assert not draft.stocks.filter(bookings__isnull=False).exists()


def test_reimbursed_bookings_were_used_first(db):
    reimbursed = Booking.objects.filter(status=BookingStatus.REIMBURSED)
    assert reimbursed.exists()
    assert all(b.used_at is not None and b.reimbursed_at is not None for b in reimbursed)


def test_reimbursing_for_the_demo_refuses_a_booking_not_used(db):
    booking = BookingFactory()
    with pytest.raises(ValueError):
        mark_booking_reimbursed_for_demo(booking, utcnow())


def test_one_cinema_is_sold_through_the_reference_ticketing_software(db):
    from passculture.core.providers.ticketing.links import venues_of_provider
    from passculture.core.providers.ticketing.models import Provider
    from passculture.demo.ticketing import ticketing_summary

    provider = Provider.objects.get(name="Billetterie de référence (démo)")
    assert [venue.name for venue in venues_of_provider(provider)] == ["Ciné Lumière Bellecour"]
    assert "DEMO-LYON-BELLECOUR" in ticketing_summary()


def test_bellecour_sells_showtimes_at_several_prices_and_jeune_depense_booked_a_reduced_price(db):
    from passculture.core.offers.models import PriceCategoryLabel

    venue = Venue.objects.get(name="Ciné Lumière Bellecour")
    labels = set(PriceCategoryLabel.objects.filter(venue=venue).values_list("label", flat=True))
    assert {"Plein tarif", "Tarif réduit", "Tarif pass Culture"} <= labels
    future = Stock.objects.filter(
        offer__venue=venue, beginning_datetime__gt=utcnow(), price_category__isnull=False
    )
    per_start = future.values("offer_id", "beginning_datetime", "version").annotate(n=Count("id"))
    assert {row["n"] for row in per_start} >= {2, 3}
    booking = Booking.objects.get(user__email=data.YOUNG_SPENT_EMAIL, price_category_label="Tarif réduit")
    assert booking.amount_cents == booking.stock.price_category.price_cents


def test_a_show_reminder_is_waiting_for_jeune_depense(db):
    """Decision 0031: a showtime tomorrow evening whose reminder is due from 10:00 today (venue time)."""
    from passculture.core.bookings.reminders import candidates, is_reminder_sendable, reminder_due_at
    from passculture.core.common.quiet_hours import next_allowed

    booking = Booking.objects.get(
        user__email=data.YOUNG_SPENT_EMAIL,
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        stock__beginning_datetime__gt=utcnow(),
        stock__beginning_datetime__lte=utcnow() + dt.timedelta(days=2),
    )
    tz = booking.venue.timezone
    today = to_local(utcnow(), tz).date()
    assert to_local(booking.stock.beginning_datetime, tz).date() == today + dt.timedelta(days=1)
    due = reminder_due_at(booking.stock.beginning_datetime, booking.booked_at, tz)
    assert to_local(due, tz).date() == today and to_local(due, tz).hour == 10
    # The job sends it from 10:00, or at once later in the day; loaded in the quiet hours of the
    # evening, at 08:00 the next morning. (Before 10:00 the show is beyond the job's horizon yet.)
    job_at = next_allowed(max(due, utcnow()), tz)
    assert candidates(job_at).filter(pk=booking.pk).exists()
    assert is_reminder_sendable(job_at, booking.stock.beginning_datetime, booking.booked_at, tz)


def test_one_cinema_gets_the_daily_digest_and_its_neighbour_an_email_per_booking(db):
    digest = Venue.objects.get(name="Ciné Lumière Belleville")
    assert (digest.booking_notification, digest.booking_email.startswith("reservations.")) == ("DIGEST", True)
    assert Venue.objects.get(name="Ciné Lumière Saint-Michel").booking_notification == "EACH"
    assert Venue.objects.filter(booking_notification="DIGEST").count() == len(data.DIGEST_CINEMAS)


def test_a_credit_reminder_is_waiting_for_jeune_fin(db):
    """Decision 0033: a credit ending in 25 days, its 30-day reminder in the outbox, once."""
    from passculture.core.credit.models import CreditReminder
    from passculture.core.credit.reminders import send_credit_reminders
    from passculture.core.notifications.models import OutboxEmail

    (email,) = OutboxEmail.objects.filter(kind="credit_expiry_reminder")
    assert email.to == [data.YOUNG_ENDING_EMAIL]
    assert "dans 25 jours" in email.text_body or "dans 24 jours" in email.text_body  # 24 when loaded at night
    assert email.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    (claim,) = CreditReminder.objects.filter(deposit__user__email=data.YOUNG_ENDING_EMAIL)
    assert claim.days_before == 30
    send_credit_reminders(at=claim.sent_at + dt.timedelta(hours=1))
    assert OutboxEmail.objects.filter(kind="credit_expiry_reminder").count() == 1
