"""Price categories in the demo (decision 0027): Ciné Lumière Bellecour sells some showtimes at two or
three prices ("Plein tarif", "Tarif réduit", "Tarif pass Culture"), and jeune.depense (who spends) has a
"Tarif réduit" booking to come.

Runs after the demo's other bookings and draws nothing from the demo's random generator, so that every
other seeded choice stays what it was."""

import datetime as dt

from passculture.core.bookings import services as booking_services
from passculture.core.bookings.models import Booking
from passculture.core.offers import price_categories
from passculture.core.offers import services as offer_services
from passculture.core.offers.models import Stock

CINEMA = "lyon-bellecour"
FULL, REDUCED, PASS = "Plein tarif", "Tarif réduit", "Tarif pass Culture"
# (label, cents off the showtime's own price) of each offer given categories: the first gets three.
PRICES = (
    ((FULL, 0), (REDUCED, 250), (PASS, 400)),
    ((FULL, 0), (REDUCED, 200)),
)


def add_price_categories(loader, young) -> Booking | None:
    """Categories on Ciné Lumière Bellecour's first offers, each future showtime sold at every price (the
    showtime itself becomes the full price; the other prices are new stocks at the same start with the
    same seats), and `young`'s "Tarif réduit" booking. Returns that booking (None: nothing to book)."""
    cinema = loader.cinemas[CINEMA]
    venue = cinema.venue
    for label in (FULL, REDUCED, PASS):
        price_categories.get_or_create_label(venue, label)
    booked_offers = set(Booking.objects.filter(user=young).values_list("offer_id", flat=True))
    booking = None
    for offer, prices in zip(cinema.offers, PRICES, strict=False):
        stocks = list(
            Stock.objects.filter(offer=offer, is_deleted=False, beginning_datetime__gt=loader.at).order_by(
                "beginning_datetime", "id"
            )
        )
        if not stocks:
            continue
        base = stocks[0].price_cents
        categories = [
            price_categories.create_price_category(offer, label=label, price_cents=max(base - off, 0))
            for label, off in prices
        ]
        full, others = categories[0], categories[1:]
        for stock in stocks:
            Stock.objects.filter(pk=stock.pk).update(price_category=full, price_cents=full.price_cents)
            for category in others:
                offer_services.create_stock(
                    offer=offer,
                    price_category=category,
                    quantity=stock.quantity,
                    beginning=stock.beginning_datetime,
                    booking_limit=stock.booking_limit_datetime,
                    version=stock.version,
                    at=loader.at,
                )
        if booking is None and offer.pk not in booked_offers:
            reduced = (
                Stock.objects.filter(
                    offer=offer,
                    price_category=categories[1],
                    beginning_datetime__gt=loader.at + dt.timedelta(days=2),
                )
                .order_by("beginning_datetime", "id")
                .first()
            )
            if reduced is not None:
                booking = booking_services.book_offer(young, reduced.pk, at=loader.at - dt.timedelta(hours=3))
    return booking
