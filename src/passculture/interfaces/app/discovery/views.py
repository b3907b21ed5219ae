"""Discovery: the page of a cinema card or a subscription (an offer without showtimes). The home feed is
home.py, the search page search_page.py, the film page film.py."""

from django.shortcuts import render

from passculture.core.common.money import format_euros
from passculture.core.common.time import now as utcnow
from passculture.core.offers import search
from passculture.core.offers.validation import sanitize_description

from . import presenters as p


def thing_page(request, offer):
    """The page of an offer without showtimes (a cinema card, a subscription): its stock and price."""
    at = utcnow()
    stock = next(
        (stock for stock in search.upcoming_showtimes_of(offer, at=at) if stock.beginning_datetime is None),
        None,
    )
    context = {
        "offer": offer,
        "venue": offer.venue,
        "poster_url": offer.image.url if offer.image else "",
        "description": sanitize_description(offer.description),
        "thing_stock": stock,
        "thing_price": format_euros(stock.price_cents) if stock else "",
        "thing_seats": p.seats_label(stock.remaining_quantity) if stock else "",
    }
    return render(request, "app/discovery/offer.html", context)
