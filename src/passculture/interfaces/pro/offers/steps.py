"""An offer created in five steps (core.offers.drafts): film, details and image, showtimes, price and
seats, summary. Each step is a plain POST form whose buttons say where to go next (« Étape suivante »,
« Étape précédente », « Enregistrer le brouillon »): every one of them saves the step into the draft
first, so nothing typed is lost, with or without JavaScript.

A draft is looked up among the pro's offerers' offers like any offer: another offerer's draft is a 404.
"""

import datetime as dt

from django.contrib import messages
from django.core.files.storage import default_storage
from django.shortcuts import redirect, render
from django.urls import reverse

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import format_euros
from passculture.core.common.time import format_local, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.offers import drafts, selectors
from passculture.core.offers.constants import LANGUAGES, PosterChoice
from passculture.core.offers.models import Offer

from ..access import own_or_404, pro_required
from .forms import add_domain_error
from .step_forms import DetailsStepForm, FilmStepForm, PriceStepForm, ShowtimesStepForm
from .views import _current_venues, _film_initial, _film_query, _film_section, _picked_film

STEP_URLS = {
    1: "pro:offer-step-film",
    2: "pro:offer-step-details",
    3: "pro:offer-step-showtimes",
    4: "pro:offer-step-price",
    5: "pro:offer-step-summary",
}
SHOWTIMES_SHOWN = 12
DRAFT_SAVED = "Brouillon enregistré : reprenez-le quand vous voulez depuis la liste des offres."


def _own_draft(request, offer_id: int) -> Offer:
    offer = own_or_404(selectors.offer_of_offerers(offer_id, request.pro.offerer_ids))
    return offer


def _step_url(offer: Offer, step: int) -> str:
    return reverse(STEP_URLS[min(max(step, 1), 5)], args=[offer.pk])


def _after_save(request, offer: Offer, step: int):
    """Where the button pressed leads once the step is saved."""
    action = request.POST.get("action", "next")
    if action == "draft":
        messages.success(request, DRAFT_SAVED)
        return redirect("pro:offers")
    if action == "back":
        return redirect(_step_url(offer, step - 1))
    return redirect(_step_url(offer, step + 1))


def _render(request, template: str, offer: Offer | None, step: int, context: dict):
    stepper = {
        "current": step,
        "count": len(drafts.STEPS),
        "title": drafts.STEPS[step - 1][2],
        "next": drafts.STEPS[step][2] if step < len(drafts.STEPS) else "",
    }
    return render(
        request,
        template,
        {
            "title": f"Créer une offre — étape {step} sur {len(drafts.STEPS)}",
            "offer": offer,
            "stepper": stepper,
            "steps": [
                {"number": number, "label": label, "url": _step_url(offer, number) if offer else ""}
                for number, _code, label in drafts.STEPS
            ],
            **context,
        },
    )


def _not_a_draft(offer: Offer):
    return redirect("pro:offer-detail", offer_id=offer.pk)


# --- Step 1: the film --------------------------------------------------------------------------------


@pro_required
def step_film(request, offer_id: int | None = None):
    offer = _own_draft(request, offer_id) if offer_id is not None else None
    if offer is not None and not offer.is_draft:
        return _not_a_draft(offer)
    venues = _current_venues(request)
    picked = request.GET.get("film")
    current = str(offer.film_id or "") if offer is not None else ""
    choice = (picked if picked is not None else current).strip()[:20]
    form = FilmStepForm(
        request.POST or None,
        venues=venues,
        offer=offer,
        film_choice=choice,
        initial={**_film_initial(_picked_film(choice)), "new_film_title": _film_query(request)},
    )
    unchanged = request.POST.get("film", "") in ("", current)
    if request.method == "POST" and offer is not None and request.POST.get("action") == "draft" and unchanged:
        return _after_save(request, offer, 1)
    if request.method == "POST" and form.is_valid():
        film = form.film_fields()
        try:
            if offer is None:
                offer = drafts.start_draft(venue=form.cleaned_data["venue"], actor=request.user, **film)
            elif form.cleaned_data["film"] != current:
                offer = drafts.choose_draft_film(offer, actor=request.user, **film)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _after_save(request, offer, 1)
    return _render(
        request,
        "pro/offers/steps/film.html",
        offer,
        1,
        {"form": form, "film": _film_section(request, form), "has_venues": venues.exists()},
    )


# --- Step 2: details and image -----------------------------------------------------------------------


@pro_required
def step_details(request, offer_id: int):
    offer = _own_draft(request, offer_id)
    if not offer.is_draft:
        return _not_a_draft(offer)
    form = DetailsStepForm(request.POST or None, request.FILES or None, offer=offer)
    action = request.POST.get("action", "next")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        choice = data["poster_choice"]
        try:
            offer = drafts.save_draft_details(offer, actor=request.user, **form.offer_fields())
            position = data.get("position", 50)
            if data["image"] is not None:
                offer = drafts.set_draft_image(offer, data["image"], actor=request.user, position=position)
                choice = PosterChoice.UPLOAD
            elif "position" in form.fields and position != offer.extra_data.get("image_position", 50):
                offer = drafts.reframe_draft_image(offer, actor=request.user, position=position)
            if choice and not (choice == PosterChoice.UPLOAD and not offer.image):
                offer = drafts.save_draft_details(offer, actor=request.user, poster_choice=choice)
            problem = drafts.poster_problem(offer)
            if action == "next" and problem is not None:
                if choice == PosterChoice.UPLOAD and not offer.image:
                    problem = drafts.PosterChoiceRequired(
                        "Envoyez une image (bouton « Parcourir »), ou choisissez une autre option."
                    )
                raise problem
        except DomainError as error:
            if error.code.startswith("IMAGE"):
                form.add_error("image", error.message)
            elif error.code in ("POSTER_CHOICE_REQUIRED", "FILM_WITHOUT_POSTER"):
                form.add_error("poster_choice", error.message)
            else:
                add_domain_error(form, error)
        else:
            if action == "preview":
                messages.success(request, "Image enregistrée : vérifiez son cadrage ci-dessous.")
                return redirect(_step_url(offer, 2) + "#apercu")
            return _after_save(request, offer, 2)
        offer.refresh_from_db()
    return _render(
        request,
        "pro/offers/steps/details.html",
        offer,
        2,
        {
            "form": form,
            "has_image": bool(offer.image),
            "source_url": _source_url(offer),
            "film_poster": offer.film.poster if offer.film_id and offer.film.poster else None,
        },
    )


def _source_url(offer: Offer) -> str:
    name = drafts.image_source(offer)
    return default_storage.url(name) if name else ""


# --- Step 3: showtimes -------------------------------------------------------------------------------


def _showtimes_initial(offer: Offer) -> dict:
    today = to_local(utcnow(), offer.venue.timezone).date()
    return {
        "start_date": today + dt.timedelta(days=1),
        "end_date": today + dt.timedelta(days=7),
        "version": "VF",
    }


@pro_required
def step_showtimes(request, offer_id: int):
    offer = _own_draft(request, offer_id)
    if not offer.is_draft:
        return _not_a_draft(offer)
    action = request.POST.get("action", "next")
    typed = bool((request.POST.get("times") or "").strip())
    form = ShowtimesStepForm(
        request.POST if typed or action == "add" else None, initial=_showtimes_initial(offer)
    )
    error = ""
    if request.method == "POST":
        try:
            if action == "clear":
                count = drafts.clear_draft_showtimes(offer, actor=request.user)
                messages.success(
                    request, f"{count} séance{'s' if count > 1 else ''} retirée{'s' if count > 1 else ''}."
                )
                return redirect(_step_url(offer, 3))
            if form.is_bound:
                if not form.is_valid():
                    raise _FormInvalid()
                stocks, _plan = drafts.add_draft_showtimes(offer, form.schedule(), actor=request.user)
                messages.success(
                    request,
                    f"{len(stocks)} séance{'s' if len(stocks) > 1 else ''} ajoutée{'s' if len(stocks) > 1 else ''}.",
                )
                if action == "add":
                    return redirect(_step_url(offer, 3))
            if action == "next" and not drafts.upcoming_showtimes(offer, utcnow()).exists():
                error = "Ajoutez au moins une séance : indiquez la période et les horaires, puis « Ajouter ces séances »."
            else:
                return _after_save(request, offer, 3)
        except _FormInvalid:
            pass
        except DomainError as failure:
            add_domain_error(form, failure)
    showtimes = list(drafts.upcoming_showtimes(offer, utcnow()))
    return _render(
        request,
        "pro/offers/steps/showtimes.html",
        offer,
        3,
        {
            "form": form,
            "error": error,
            "count": len(showtimes),
            "showtimes": [_showtime_row(offer, stock) for stock in showtimes[:SHOWTIMES_SHOWN]],
            "more": max(len(showtimes) - SHOWTIMES_SHOWN, 0),
        },
    )


class _FormInvalid(Exception):
    pass


def _showtime_row(offer: Offer, stock) -> dict:
    return {
        "when": format_local(stock.beginning_datetime, offer.venue.timezone, with_weekday=True),
        "version": stock.version,
    }


# --- Step 4: price and seats -------------------------------------------------------------------------


@pro_required
def step_price(request, offer_id: int):
    offer = _own_draft(request, offer_id)
    if not offer.is_draft:
        return _not_a_draft(offer)
    action = request.POST.get("action", "next")
    form = PriceStepForm(request.POST or None, offer=offer)
    if request.method == "POST":
        empty = (
            not (request.POST.get("price") or "").strip() and not (request.POST.get("quantity") or "").strip()
        )
        if action in ("back", "draft") and empty:
            return _after_save(request, offer, 4)
        if form.is_valid():
            try:
                offer = drafts.set_draft_price(offer, actor=request.user, **form.service_fields())
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return _after_save(request, offer, 4)
    return _render(
        request,
        "pro/offers/steps/price.html",
        offer,
        4,
        {"form": form, "count": drafts.upcoming_showtimes(offer, utcnow()).count()},
    )


# --- Step 5: summary and publication -----------------------------------------------------------------


@pro_required
def step_summary(request, offer_id: int):
    offer = _own_draft(request, offer_id)
    if not offer.is_draft:
        return _not_a_draft(offer)
    at = utcnow()
    if request.method == "POST":
        action = request.POST.get("action", "publish")
        if action == "back":
            return redirect(_step_url(offer, 4))
        if action == "draft":
            messages.success(request, DRAFT_SAVED)
            return redirect("pro:offers")
        try:
            offer = drafts.publish_draft(offer, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request, f"Offre « {offer.name} » publiée : les jeunes peuvent la réserver dès maintenant."
            )
            return redirect("pro:offer-detail", offer_id=offer.pk)
    showtimes = list(drafts.upcoming_showtimes(offer, at))
    price = drafts.draft_price(offer)
    missing = [
        {"step": step, "text": text, "url": _step_url(offer, step)}
        for step, text in drafts.draft_missing(offer, at=at)
    ]
    first = showtimes[0] if showtimes else None
    return _render(
        request,
        "pro/offers/steps/summary.html",
        offer,
        5,
        {
            "missing": missing,
            "card_meta": _card_meta(offer, first),
            "languages": ", ".join(label for code, label in LANGUAGES if code in offer.languages),
            "count": len(showtimes),
            "showtimes": [_showtime_row(offer, stock) for stock in showtimes[:SHOWTIMES_SHOWN]],
            "more": max(len(showtimes) - SHOWTIMES_SHOWN, 0),
            "price": _price_text(price),
            "quantity": price["quantity"] if price else None,
            "poster": offer.poster if offer.poster_choice != PosterChoice.NONE else None,
        },
    )


def _price_text(price: dict | None) -> str:
    """The draft's price, or its prices with their labels ("Plein tarif 9 €, Tarif réduit 6,50 €")."""
    if not price:
        return ""
    categories = price.get("categories") or []
    if categories:
        return ", ".join(f"{text} {format_euros(cents)}" for text, cents in categories)
    return format_euros(price["price_cents"])


def _card_meta(offer: Offer, first) -> str:
    """The line under the card's title, as the app writes it: the venue and the next showtime."""
    if first is None:
        return offer.venue.display_name
    return f"{offer.venue.display_name} · {format_local(first.beginning_datetime, offer.venue.timezone)}"


@pro_required
def resume(request, offer_id: int):
    """« Reprendre »: the first step of the draft with something missing."""
    offer = _own_draft(request, offer_id)
    if not offer.is_draft:
        return _not_a_draft(offer)
    return redirect(_step_url(offer, drafts.first_incomplete_step(offer)))
