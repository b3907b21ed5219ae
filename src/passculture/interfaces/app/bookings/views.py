"""Booking a showtime, the confirmation with its QR code, my bookings, cancelling."""

from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from passculture.core.bookings import rules
from passculture.core.bookings.exceptions import AlreadyBooked, BookingNotFound
from passculture.core.bookings.selectors import (
    active_booking_of_offer,
    booking_of_beneficiary,
    booking_refusal,
    bookings_of_beneficiary,
    stock_for_booking,
)
from passculture.core.bookings.services import book_offer, cancel_booking_by_beneficiary
from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import format_local, format_local_day
from passculture.core.common.time import now as utcnow
from passculture.core.credit.selectors import balance_of, refund_of
from passculture.interfaces.app.access import beneficiary_required
from passculture.interfaces.errors import status_for

from .forms import BookingForm
from .presenters import Section, booking_card, local_time_note, quantity_label

# Pages with personal data (countermarks): never kept by a shared cache; the browser asks again each time
# (the service worker keeps its own copy for offline use).
private_page = cache_control(private=True, no_cache=True)


@dataclass(frozen=True)
class QuantityOption:
    quantity: int
    label: str
    total: str
    remaining_after: str
    # Why this quantity would be refused while one place would not (e.g. not enough credit for two).
    refusal: str
    checked: bool


def _cancellation_preview(stock, at) -> str:
    """What the cancellation limit would be if booked now (the same rule as book_offer's)."""
    start = stock.beginning_datetime
    limit = rules.cancellation_limit(at, start)
    if limit is None:
        return "Vous pourrez annuler tant que la réservation n'aura pas été utilisée."
    if limit <= at:
        return "La séance commence dans moins de 48 h : la réservation sera définitive, sans annulation possible."
    return f"Vous pourrez annuler jusqu'au {format_local(limit, stock.offer.venue.timezone)}."


def _book_context(request, stock, form, at, *, error: DomainError | None = None) -> dict:
    offer, venue = stock.offer, stock.offer.venue
    user = request.user
    balance = balance_of(user, at)
    refusal = booking_refusal(user, stock, 1, at=at)
    selected = str(form["quantity"].value() or 1)
    options = []
    for quantity, _label in form.fields["quantity"].choices:
        total = stock.price_cents * quantity
        # One place is what `refusal` already answered; only more places need asking again.
        option_refusal = (
            booking_refusal(user, stock, quantity, at=at) if refusal is None and quantity > 1 else None
        )
        options.append(
            QuantityOption(
                quantity=quantity,
                label=quantity_label(quantity),
                total=format_euros(total),
                remaining_after=format_euros(max(balance.remaining_cents - total, 0)),
                refusal=option_refusal.message if option_refusal is not None else "",
                checked=option_refusal is None and str(quantity) == selected,
            )
        )
    if options and not any(option.checked for option in options):
        options[0] = replace(options[0], checked=True)
    problem = error or refusal
    existing = active_booking_of_offer(user, offer.pk) if isinstance(problem, AlreadyBooked) else None
    start = stock.beginning_datetime
    return {
        "stock": stock,
        "offer": offer,
        "venue": venue,
        "poster_url": offer.image.url if offer.image else "",
        "when_label": format_local(start, venue.timezone, with_weekday=True) if start else "",
        "local_time_note": local_time_note(venue.timezone) if start else "",
        "version_label": stock.get_version_display() if stock.version else "",
        "unit_price": format_euros(stock.price_cents),
        "is_free": stock.price_cents == 0,
        "balance": balance,
        "remaining": format_euros(balance.remaining_cents),
        "form": form,
        "options": options,
        "refusal": refusal,
        "problem": problem,
        "existing_booking": existing,
        "error": error,
        "cancellation_preview": _cancellation_preview(stock, at),
    }


@require_http_methods(["GET", "HEAD", "POST"])
@beneficiary_required
@private_page
def book(request, stock_id: int):
    stock = stock_for_booking(stock_id)
    if stock is None:
        raise Http404("Séance introuvable.")
    is_duo = stock.offer.is_duo
    if request.method != "POST":
        form = BookingForm(is_duo=is_duo)
        return render(request, "app/bookings/book.html", _book_context(request, stock, form, utcnow()))

    form = BookingForm(request.POST, is_duo=is_duo)
    if not form.is_valid():
        context = _book_context(request, stock, form, utcnow())
        return render(request, "app/bookings/book.html", context, status=400)
    try:
        booking = book_offer(request.user, stock.pk, form.cleaned_data["quantity"])
    except DomainError as error:
        existing = active_booking_of_offer(request.user, stock.offer_id)
        if isinstance(error, AlreadyBooked) and existing is not None:
            # A second click on "Confirmer" (or a second tab) lands on the booking already made.
            messages.info(request, "Vous avez déjà réservé ce film : voici votre réservation.")
            return redirect("app:booking", booking_id=existing.pk)
        # The stock may have changed meanwhile (last places taken): show it as it is now.
        stock = stock_for_booking(stock_id) or stock
        context = _book_context(request, stock, form, utcnow(), error=error)
        return render(request, "app/bookings/book.html", context, status=status_for(error))
    messages.success(request, "Réservation confirmée ! Présentez ce QR code ou la contremarque au cinéma.")
    return redirect("app:booking", booking_id=booking.pk)


@beneficiary_required
@private_page
def booking(request, booking_id: int):
    found = booking_of_beneficiary(request.user, booking_id)
    if found is None:
        raise Http404("Réservation introuvable.")
    card = booking_card(found, utcnow())
    return render(request, "app/bookings/booking.html", {"card": card})


@beneficiary_required
@private_page
def bookings(request):
    at = utcnow()
    cards = {Section.UPCOMING: [], Section.PAST: [], Section.CANCELLED: []}
    rows = list(bookings_of_beneficiary(request.user))
    for row in rows:
        card = booking_card(row, at)
        cards[card.section].append((row, card))
    # Upcoming: the next show first; past and cancelled: the latest first.
    far_future = at.replace(year=9999)
    upcoming = sorted(
        cards[Section.UPCOMING], key=lambda pair: pair[0].stock.beginning_datetime or far_future
    )
    past = sorted(
        cards[Section.PAST],
        key=lambda pair: pair[0].stock.beginning_datetime or pair[0].booked_at,
        reverse=True,
    )
    cancelled = sorted(cards[Section.CANCELLED], key=lambda pair: pair[0].cancelled_at or at, reverse=True)
    return render(
        request,
        "app/bookings/list.html",
        {
            "upcoming": [card for _, card in upcoming],
            "past": [card for _, card in past],
            "cancelled": [card for _, card in cancelled],
            "has_any": bool(rows),
        },
    )


def _cancelled_message(booking) -> str:
    """What the cancellation gave back, as the email says it: never that an expired credit can be spent."""
    refund = refund_of(booking, booking.cancelled_at or utcnow())
    parts = []
    if refund.spendable_cents:
        parts.append(f"{format_euros(refund.spendable_cents)} ont été recrédités sur votre pass Culture")
    if refund.expired_cents and refund.expired_at is not None:
        parts.append(
            f"votre crédit pass Culture a expiré le {format_local_day(refund.expired_at, settings.TIME_ZONE)} : "
            f"{format_euros(refund.expired_cents)} ne peuvent plus être dépensés"
        )
    said = f"Réservation de « {booking.offer.name} » annulée"
    return f"{said} : {' ; '.join(parts)}." if parts else f"{said}."


@require_POST
@beneficiary_required
def booking_cancel(request, booking_id: int):
    try:
        cancelled = cancel_booking_by_beneficiary(request.user, booking_id)
    except BookingNotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("app:booking", booking_id=booking_id)
    messages.success(request, _cancelled_message(cancelled))
    return redirect("app:bookings")
