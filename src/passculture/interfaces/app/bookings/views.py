"""Booking a showtime, the confirmation with its QR code, my bookings, cancelling."""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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
from passculture.core.offers.price_categories import PriceChoice, price_choices
from passculture.core.providers.ticketing.selectors import tickets_by_booking, tickets_of
from passculture.interfaces.app.access import beneficiary_required
from passculture.interfaces.errors import status_for

from .agenda import booking_calendar as booking_calendar_file
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


@dataclass(frozen=True)
class PriceOption:
    """One price of the showtime (a stock of its own category), as the booking page offers it."""

    stock_id: int
    label: str
    price: str
    hint: str
    disabled: bool
    checked: bool


def _price_options(choices: Sequence[PriceChoice], selected_id: int) -> list[PriceOption]:
    return [
        PriceOption(
            stock_id=choice.stock_id,
            label=choice.label,
            price=format_euros(choice.price_cents) if choice.price_cents else "Gratuit",
            hint="Complet" if choice.is_sold_out else "",
            disabled=choice.is_sold_out,
            checked=choice.stock_id == selected_id,
        )
        for choice in choices
    ]


@dataclass(frozen=True)
class CancellationPreview:
    """What the booking page says about cancelling before the person confirms."""

    final_at_once: bool
    text: str


def _cancellation_preview(stock, at) -> CancellationPreview:
    """The rule book_offer applies (rules.cancellation_limit), read for a booking made now."""
    start = stock.beginning_datetime
    if rules.is_final_at_once(at, start):
        return CancellationPreview(
            True,
            "La séance commence dans 48 h ou moins : ta réservation sera définitive dès que tu l'auras "
            "confirmée. Tu ne pourras pas l'annuler ni récupérer ton crédit si tu ne viens pas.",
        )
    limit = rules.cancellation_limit(at, start)
    if limit is None:
        return CancellationPreview(
            False, "Tu pourras annuler tant que la réservation n'aura pas été utilisée."
        )
    return CancellationPreview(
        False, f"Tu pourras annuler jusqu'au {format_local(limit, stock.offer.venue.timezone)}."
    )


def _book_context(
    request, stock, form, at, *, error: DomainError | None = None, choices: Sequence[PriceChoice] = ()
) -> dict:
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
        "poster": offer.poster,
        "when_label": format_local(start, venue.timezone, with_weekday=True) if start else "",
        "local_time_note": local_time_note(venue.timezone) if start else "",
        "version_label": stock.get_version_display() if stock.version else "",
        "unit_price": format_euros(stock.price_cents),
        "price_label": next((c.label for c in choices if c.stock_id == stock.pk), ""),
        "price_options": _price_options(choices, stock.pk) if len(choices) > 1 else [],
        "is_free": stock.price_cents == 0,
        "balance": balance,
        "remaining": format_euros(balance.remaining_cents),
        "form": form,
        "options": options,
        "refusal": refusal,
        "problem": problem,
        "existing_booking": existing,
        "error": error,
        "cancellation": _cancellation_preview(stock, at),
    }


def _first_bookable(user, stock, choices: Sequence[PriceChoice], at):
    """The stock asked for, or when it cannot be booked (sold out, too dear for the credit left) the
    cheapest other price of the showtime that can: the page then offers that one first."""
    if len(choices) < 2 or booking_refusal(user, stock, 1, at=at) is None:
        return stock
    for choice in choices:
        if choice.stock_id == stock.pk:
            continue
        other = stock_for_booking(choice.stock_id)
        if other is not None and booking_refusal(user, other, 1, at=at) is None:
            return other
    return stock


@require_http_methods(["GET", "HEAD", "POST"])
@beneficiary_required
@private_page
def book(request, stock_id: int):
    stock = stock_for_booking(stock_id)
    if stock is None:
        raise Http404("Séance introuvable.")
    is_duo = stock.offer.is_duo
    # A showtime sold at several prices is several stocks at the same start: the person picks one.
    choices = price_choices(stock, utcnow())
    ids = [choice.stock_id for choice in choices]
    if request.method != "POST":
        stock = _first_bookable(request.user, stock, choices, utcnow())
        form = BookingForm(is_duo=is_duo, price_stock_ids=ids)
        context = _book_context(request, stock, form, utcnow(), choices=choices)
        return render(request, "app/bookings/book.html", context)

    form = BookingForm(request.POST, is_duo=is_duo, price_stock_ids=ids)
    if not form.is_valid():
        context = _book_context(request, stock, form, utcnow(), choices=choices)
        return render(request, "app/bookings/book.html", context, status=400)
    chosen = form.cleaned_data.get("tarif")
    if chosen and chosen != stock.pk:
        stock = stock_for_booking(chosen) or stock
    try:
        booking = book_offer(request.user, stock.pk, form.cleaned_data["quantity"])
    except DomainError as error:
        existing = active_booking_of_offer(request.user, stock.offer_id)
        if isinstance(error, AlreadyBooked) and existing is not None:
            # A second click on "Confirmer" (or a second tab) lands on the booking already made.
            messages.info(request, "Tu as déjà réservé ce film : voici ta réservation.")
            return redirect("app:booking", booking_id=existing.pk)
        # The stock may have changed meanwhile (last places taken): show it as it is now.
        stock = stock_for_booking(stock.pk) or stock
        choices = price_choices(stock, utcnow())
        context = _book_context(request, stock, form, utcnow(), error=error, choices=choices)
        return render(request, "app/bookings/book.html", context, status=status_for(error))
    messages.success(
        request, "Réservation confirmée ! Montre ce QR code ou la contremarque à l'entrée du cinéma."
    )
    return redirect("app:booking", booking_id=booking.pk)


@beneficiary_required
@private_page
def booking(request, booking_id: int):
    found = booking_of_beneficiary(request.user, booking_id)
    if found is None:
        raise Http404("Réservation introuvable.")
    card = booking_card(found, utcnow(), tickets_of(found.pk))
    return render(request, "app/bookings/booking.html", {"card": card})


@dataclass(frozen=True)
class Tab:
    slug: str  # the ?onglet= value
    label: str
    section: str
    empty: str
    empty_link: str  # a URL name
    empty_link_label: str


TABS = (
    Tab(
        "a-venir",
        "À venir",
        Section.UPCOMING,
        "Tu n'as pas de séance à venir.",
        "app:home",
        "Découvre les films à l'affiche",
    ),
    Tab(
        "passees",
        "Passées",
        Section.PAST,
        "Les séances que tu as vues s'afficheront ici.",
        "app:home",
        "Découvre les films à l'affiche",
    ),
    Tab(
        "annulees",
        "Annulées",
        Section.CANCELLED,
        "Tu n'as aucune réservation annulée.",
        "app:bookings",
        "Voir mes réservations à venir",
    ),
)
TAB_PARAMETER = "onglet"


def _sorted(section: str, pairs: list, at):
    """Upcoming: the next show first; past and cancelled: the latest first."""
    if section == Section.UPCOMING:
        far_future = at.replace(year=9999)
        return sorted(pairs, key=lambda pair: pair[0].stock.beginning_datetime or far_future)
    if section == Section.PAST:
        return sorted(
            pairs, key=lambda pair: pair[0].stock.beginning_datetime or pair[0].booked_at, reverse=True
        )
    return sorted(pairs, key=lambda pair: pair[0].cancelled_at or at, reverse=True)


@beneficiary_required
@private_page
def bookings(request):
    """Three tabs as links (?onglet=): they work without script, and the default one (à venir, the tickets
    needed at the door) is the page the service worker keeps for offline use."""
    at = utcnow()
    by_section: dict[str, list] = {tab.section: [] for tab in TABS}
    rows = list(bookings_of_beneficiary(request.user))
    tickets = tickets_by_booking(row.pk for row in rows)
    for row in rows:
        card = booking_card(row, at, tickets.get(row.pk, ()))
        by_section[card.section].append((row, card))
    # An unknown value (a typo, an old link) shows the default tab rather than an error.
    current = next((tab for tab in TABS if tab.slug == request.GET.get(TAB_PARAMETER)), TABS[0])
    tabs = [
        {
            "tab": tab,
            "count": len(by_section[tab.section]),
            "url": reverse("app:bookings") + ("" if tab is TABS[0] else f"?{TAB_PARAMETER}={tab.slug}"),
            "is_current": tab is current,
        }
        for tab in TABS
    ]
    cards = [card for _, card in _sorted(current.section, by_section[current.section], at)]
    return render(request, "app/bookings/list.html", {"tabs": tabs, "current": current, "cards": cards})


@beneficiary_required
@private_page
def booking_calendar(request, booking_id: int):
    """The showtime as an .ics file: only for its owner (anybody else: 404), only for a showtime."""
    found = booking_of_beneficiary(request.user, booking_id)
    if found is None or found.stock.beginning_datetime is None:
        raise Http404("Réservation introuvable.")
    ticket_url = settings.PUBLIC_BASE_URL + reverse("app:booking", args=[found.pk])
    content = booking_calendar_file(found, ticket_url=ticket_url, at=utcnow())
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="seance-{found.token.lower()}.ics"'
    return response


def _cancelled_message(booking) -> str:
    """What the cancellation gave back, as the email says it: never that an expired credit can be spent."""
    refund = refund_of(booking, booking.cancelled_at or utcnow())
    parts = []
    if refund.spendable_cents:
        parts.append(f"{format_euros(refund.spendable_cents)} ont été recrédités sur ton pass Culture")
    if refund.expired_cents and refund.expired_at is not None:
        parts.append(
            f"ton crédit pass Culture a expiré le {format_local_day(refund.expired_at, settings.TIME_ZONE)} : "
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
    # The cancelled tab: the person sees the booking moved there, and who cancelled it.
    return redirect(f"{reverse('app:bookings')}?{TAB_PARAMETER}=annulees")
