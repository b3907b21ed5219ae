"""Offers by hand: list, create/edit, (de)activate, showtimes in bulk, edit/delete one showtime.

Every object is looked up among the pro's offerers' (`*_of_offerers` selectors): another offerer's offer
or stock answers 404.
"""

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from passculture.core.bookings import feedback as booking_feedback
from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import format_local, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.films.selectors import film_by_id, search_films
from passculture.core.offerers.selectors import venues_of_offerer, venues_of_offerers
from passculture.core.offers import selectors
from passculture.core.offers import services as offer_services
from passculture.core.offers.constants import EVENT_CATEGORIES, LANGUAGES, UNIQUE_PRICE_LABEL, Category
from passculture.core.offers.exceptions import StockBookingsChanged
from passculture.core.offers.models import Offer, Stock
from passculture.core.offers.price_categories import price_categories_of
from passculture.core.offers.scheduling import plan_showtimes
from passculture.core.offers.validation import sanitize_description

from ..access import own_or_404, pro_required
from ..price_categories import category_rows
from .forms import NEW_FILM, OfferFilterForm, OfferForm, ShowtimesForm, StockForm, add_domain_error

OFFERS_PER_PAGE = 20
STOCKS_PER_PAGE = 50
PREVIEW_SIZE = 20


def _own_offer(request, offer_id: int) -> Offer:
    return own_or_404(selectors.offer_of_offerers(offer_id, request.pro.offerer_ids))


def _own_stock(request, offer_id: int, stock_id: int) -> Stock:
    return own_or_404(selectors.stock_of_offerers(stock_id, request.pro.offerer_ids, offer_id=offer_id))


def _current_venues(request):
    # current is one of the user's validated offerers (or None: no venue at all).
    current_id = request.pro.current_id
    return venues_of_offerer(current_id) if current_id is not None else venues_of_offerers([])


def _detail_url(offer: Offer) -> str:
    return reverse("pro:offer-detail", args=[offer.pk])


def _showtime_label(moment, offer: Offer) -> str:
    return format_local(moment, offer.venue.timezone, with_weekday=True) if moment else "—"


@pro_required
def offer_list(request):
    current = request.pro.current
    if current is None:
        return render(request, "pro/offers/list.html", {"title": "Offres", "no_offerer": True})
    venues = _current_venues(request)
    filters = OfferFilterForm(request.GET or None, venues=venues)
    offers = selectors.offers_of_offerer(current.pk, at=utcnow(), **filters.filters())
    page = Paginator(offers, OFFERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = [
        {
            "offer": offer,
            "next_start": _showtime_label(offer.next_start, offer) if offer.is_event else "",
        }
        for offer in page
    ]
    return render(
        request,
        "pro/offers/list.html",
        {
            "title": "Offres",
            "filters": filters,
            "page": page,
            "rows": rows,
            "querystring": query.urlencode(),
            "has_venues": venues.exists(),
        },
    )


FILM_QUERY_MAX_LENGTH = 140


def _film_query(request) -> str:
    return (request.GET.get("film_q") or "").strip()[:FILM_QUERY_MAX_LENGTH]


def _picked_film(choice: str):
    return film_by_id(int(choice)) if choice.isdigit() else None


def _film_initial(film) -> dict:
    """The offer fields a picked film fills in (the pro may change them before saving)."""
    if film is None:
        return {}
    initial = {"name": film.title}
    if film.duration_minutes:
        initial["duration_minutes"] = film.duration_minutes
    if film.synopsis:
        initial["description"] = film.synopsis[:1000]
    return initial


def _film_section(request, form: OfferForm) -> dict:
    """The film choice shown above the offer form: the film picked, or a new one typed, or a search."""
    query = _film_query(request)
    return {
        "query": query,
        "results": list(search_films(query)) if query else [],
        "chosen": _picked_film(form.film_choice),
        # A search asked for (« Changer de film »): the results show, the film chosen stays until another
        # one is picked.
        "searching": bool(query) and form.film_choice != NEW_FILM,
        "is_new": form.film_choice == NEW_FILM,
        "new_choice": NEW_FILM,
    }


@pro_required
def film_suggestions(request):
    """The films matching `film_q`, as the list the offer page shows (htmx swaps it in as the pro
    types; without JavaScript the page's own search button gives the same list)."""
    query = _film_query(request)
    return render(
        request,
        "pro/offers/_film_results.html",
        {
            "film": {
                "query": query,
                "results": list(search_films(query)) if query else [],
                "new_choice": NEW_FILM,
            }
        },
    )


@pro_required
def offer_create(request):
    """A cinema card or a subscription, in one form (a film showing is created in steps: steps.py)."""
    venues = _current_venues(request)
    form = OfferForm(request.POST or None, request.FILES or None, venues=venues)
    form.fields["category"].choices = [
        (value, label) for value, label in Category.choices if value not in EVENT_CATEGORIES
    ]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            offer = offer_services.create_offer(
                venue=data["venue"],
                category=data["category"],
                actor=request.user,
                image_file=data["image"],
                **form.film_fields(),
                **form.service_fields(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            follow = "ajoutez maintenant ses séances." if offer.is_event else "indiquez maintenant son prix."
            messages.success(request, f"Offre « {offer.name} » créée : {follow}")
            target = "pro:offer-showtimes" if offer.is_event else "pro:offer-stock-add"
            return redirect(target, offer_id=offer.pk)
    return render(
        request,
        "pro/offers/form.html",
        {
            "title": "Créer une carte ou un abonnement",
            "form": form,
            "has_venues": venues.exists(),
            "film": None,
        },
    )


@pro_required
def offer_edit(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    if offer.is_draft:
        return redirect("pro:offer-resume", offer_id=offer.pk)
    picked = request.GET.get("film")
    choice = (picked if picked is not None else str(offer.film_id or "")).strip()[:20]
    initial = None
    if picked is not None and choice != str(offer.film_id or ""):
        # Another film picked: its title, duration and synopsis replace the offer's in the form.
        initial = {
            "name": offer.name,
            "description": offer.description,
            "duration_minutes": offer.duration_minutes,
            "languages": offer.languages,
            "is_duo": "1" if offer.is_duo else "0",
            "booking_email": offer.booking_email,
            **_film_initial(_picked_film(choice)),
            "new_film_title": _film_query(request) or offer.name,
        }
    form = OfferForm(
        request.POST or None, request.FILES or None, offer=offer, film_choice=choice, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        film_fields = form.film_fields() if offer.is_event else {}
        try:
            offer_services.update_offer(
                offer,
                actor=request.user,
                image_file=form.cleaned_data["image"],
                remove_image=form.cleaned_data.get("remove_image", False),
                **(film_fields or ({"film": None} if offer.is_event else {})),
                **form.service_fields(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Offre enregistrée.")
            return redirect(_detail_url(offer))
    return render(
        request,
        "pro/offers/form.html",
        {
            "title": f"Modifier « {offer.name} »",
            "form": form,
            "offer": offer,
            "has_venues": True,
            "film": _film_section(request, form) if offer.is_event else None,
        },
    )


@require_POST
@pro_required
def offer_set_active(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    active = request.POST.get("active") == "1"
    try:
        offer_services.set_offer_active(offer, active, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Offre réactivée : elle est de nouveau visible des jeunes."
            if active
            else "Offre désactivée : les jeunes ne peuvent plus la réserver. Les réservations faites restent valables.",
        )
    return redirect(_detail_url(offer))


@pro_required
def offer_detail(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    past = request.GET.get("periode") == "passees"
    stocks = selectors.stocks_for_pro(offer, at=utcnow(), past=past)
    page = Paginator(stocks, STOCKS_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {
            "stock": stock,
            "when": _showtime_label(stock.beginning_datetime, offer),
            "limit": _showtime_label(stock.booking_limit_datetime, offer)
            if stock.booking_limit_datetime and stock.booking_limit_datetime != stock.beginning_datetime
            else "",
            "price": format_euros(stock.price_cents),
            "price_label": stock.price_category.label.label if stock.price_category else UNIQUE_PRICE_LABEL,
        }
        for stock in page
    ]
    return render(
        request,
        "pro/offers/detail.html",
        {
            "title": offer.name,
            "offer": offer,
            "rows": rows,
            "page": page,
            "past": past,
            "can_add_stock": selectors.accepts_new_stock(offer),
            "categories": category_rows(offer) if offer.is_event else [],
            "languages": ", ".join(label for code, label in LANGUAGES if code in offer.languages),
            # Sanitised on save already; again here for rows written by imports or by hand in the admin.
            "description": sanitize_description(offer.description),
            "feedback": booking_feedback.counts_for_offer(offer.pk, request.pro.offerer_ids),
            "feedback_threshold": booking_feedback.MIN_ANSWERS_SHOWN,
        },
    )


@pro_required
def showtimes_add(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    if not offer.is_event:
        return redirect("pro:offer-stock-add", offer_id=offer.pk)
    categories = price_categories_of(offer)
    form = ShowtimesForm(request.POST or None, initial=_showtimes_initial(offer), categories=categories)
    preview = None
    fingerprint = ""
    if request.method == "POST" and form.is_valid():
        schedule = form.schedule()
        fingerprint = form.fingerprint()
        wants_creation = request.POST.get("action") == "create"
        try:
            if wants_creation and request.POST.get("previewed") == fingerprint:
                stocks, plan = offer_services.create_showtimes(
                    offer, schedule, price_categories=form.chosen_categories(), actor=request.user
                )
                messages.success(request, _created_message(len(stocks), plan))
                return redirect(_detail_url(offer))
            chosen = form.chosen_categories()
            plan = plan_showtimes(offer, schedule, price_category_ids=[c.pk for c in chosen])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if wants_creation:
                messages.warning(
                    request, "Les paramètres ont changé depuis l'aperçu : vérifiez-le de nouveau."
                )
            preview = {
                "plan": plan,
                "first": [
                    _showtime_label(planned.beginning, offer) for planned in plan.showtimes[:PREVIEW_SIZE]
                ],
                "more": max(plan.count - PREVIEW_SIZE, 0),
                "stock_count": plan.stock_count,
                "price": ", ".join(f"{c.label.label} {format_euros(c.price_cents)}" for c in chosen)
                or format_euros(schedule.price_cents),
                "quantity": schedule.quantity,
                "version": schedule.version,
            }
    return render(
        request,
        "pro/offers/showtimes_form.html",
        {
            "title": f"Ajouter des séances — {offer.name}",
            "offer": offer,
            "form": form,
            "preview": preview,
            "fingerprint": fingerprint,
        },
    )


def _showtimes_initial(offer: Offer) -> dict:
    today = to_local(utcnow(), offer.venue.timezone).date()
    return {"start_date": today, "end_date": today + dt.timedelta(days=6), "version": "VF"}


def _created_message(count: int, plan) -> str:
    text = f"{count} séance{'s' if count > 1 else ''} créée{'s' if count > 1 else ''}."
    skipped = []
    if plan.skipped_duplicates:
        skipped.append(
            f"{plan.skipped_duplicates} existai{'en' if plan.skipped_duplicates > 1 else ''}t déjà"
        )
    if plan.skipped_past:
        skipped.append(f"{plan.skipped_past} déjà passée{'s' if plan.skipped_past > 1 else ''}")
    if plan.skipped_nonexistent:
        skipped.append(f"{plan.skipped_nonexistent} à une heure inexistante (changement d'heure)")
    if skipped:
        text += " Non créées : " + ", ".join(skipped) + "."
    return text


@pro_required
def thing_stock_add(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    if offer.is_event:
        return redirect("pro:offer-showtimes", offer_id=offer.pk)
    form = StockForm(request.POST or None, offer=offer)
    if request.method == "POST" and form.is_valid():
        try:
            offer_services.create_stock(offer=offer, actor=request.user, **form.service_fields())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Stock enregistré.")
            return redirect(_detail_url(offer))
    return render(
        request,
        "pro/offers/stock_form.html",
        {"title": f"Prix et stock — {offer.name}", "offer": offer, "form": form},
    )


@pro_required
def stock_edit(request, offer_id: int, stock_id: int):
    stock = _own_stock(request, offer_id, stock_id)
    offer = stock.offer
    categories = price_categories_of(offer) if offer.is_event else []
    form = StockForm(request.POST or None, offer=offer, stock=stock, categories=categories)
    if request.method == "POST" and form.is_valid():
        try:
            offer_services.update_stock(stock.pk, actor=request.user, **form.service_fields())
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, "Séance modifiée." if offer.is_event else "Stock modifié.")
            return redirect(_detail_url(offer))
    return render(
        request,
        "pro/offers/stock_form.html",
        {
            "title": "Modifier la séance" if offer.is_event else "Modifier le stock",
            "offer": offer,
            "stock": stock,
            "when": _showtime_label(stock.beginning_datetime, offer),
            "form": form,
        },
    )


@pro_required
def stock_delete(request, offer_id: int, stock_id: int):
    """GET: the confirmation page. POST: deletes at once when no booking would be cancelled; otherwise
    only with `confirm`, and only if no booking arrived since the confirmation page was shown."""
    stock = _own_stock(request, offer_id, stock_id)
    offer = stock.offer
    count = selectors.cancellable_bookings_count(stock)
    error = ""
    if request.method == "POST":
        confirmed = request.POST.get("confirm") == "1"
        if confirmed or count == 0:
            expected = _int_or_zero(request.POST.get("expected")) if confirmed else 0
            try:
                cancelled = offer_services.delete_stock(
                    stock.pk,
                    actor=request.user,
                    expected_cancellations=expected,
                    message=request.POST.get("message", "") if count else "",
                )
            except StockBookingsChanged as changed:
                error = changed.message
                count = selectors.cancellable_bookings_count(stock)
            except DomainError as failure:
                messages.error(request, failure.message)
                return redirect(_detail_url(offer))
            else:
                messages.success(request, _deleted_message(offer, cancelled))
                return redirect(_detail_url(offer))
    return render(
        request,
        "pro/offers/stock_delete.html",
        {
            "title": "Supprimer la séance" if offer.is_event else "Supprimer le stock",
            "offer": offer,
            "stock": stock,
            "when": _showtime_label(stock.beginning_datetime, offer),
            "price": format_euros(stock.price_cents),
            "count": count,
            "error": error,
        },
    )


def _int_or_zero(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def _deleted_message(offer: Offer, cancelled: int) -> str:
    text = "Séance supprimée." if offer.is_event else "Stock supprimé."
    if cancelled:
        plural = "s" if cancelled > 1 else ""
        text += (
            f" {cancelled} réservation{plural} annulée{plural} : "
            f"le{plural} bénéficiaire{plural} {'sont prévenus' if plural else 'est prévenu'} par email."
        )
    return text
