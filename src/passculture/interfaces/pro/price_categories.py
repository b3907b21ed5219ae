"""Price categories in the pro portal (decision 0027): a venue's labels, and an offer's prices.

`/pro/lieux/<id>/tarifs/`: the venue's labels ("Plein tarif", "Tarif réduit"), to add, rename, and delete
while no offer uses them. `/pro/offres/<id>/tarifs/`: the offer's prices (a label and an amount), to add,
change (the showtimes not started yet follow) and delete while no showtime uses them.

Every object is looked up among the pro's offerers': another offerer's venue, offer or label is a 404.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import cents_to_euros, euros_to_cents, format_euros
from passculture.core.offers import price_categories as pc
from passculture.core.offers import selectors
from passculture.core.offers.constants import PRICE_CATEGORY_LABEL_MAX_LENGTH
from passculture.core.offers.exceptions import PriceCategoryLabelNotFound, PriceCategoryNotFound
from passculture.core.offers.models import PriceCategoryOrigin

from .access import own_or_404, own_venue_or_404, pro_required
from .offers.forms import EurosField, ProForm, add_domain_error

LABEL_HELP = "50 caractères au plus, par exemple « Tarif réduit »."


class LabelForm(ProForm):
    label = forms.CharField(
        label="Libellé du tarif", max_length=PRICE_CATEGORY_LABEL_MAX_LENGTH, help_text=LABEL_HELP
    )


class PriceCategoryForm(ProForm):
    label = forms.CharField(
        label="Libellé du tarif", max_length=PRICE_CATEGORY_LABEL_MAX_LENGTH, help_text=LABEL_HELP
    )
    price = EurosField(
        label="Prix de la place (€)", help_text="De 0 € (gratuit) à 1 000 €, par exemple 7,50."
    )


def _label_error(form, error: DomainError) -> None:
    if error.code.startswith("PRICE_CATEGORY_LABEL") or error.code in (
        "FORBIDDEN_CHARACTERS",
        "PRICE_CATEGORY_ALREADY_EXISTS",
    ):
        form.add_error("label", error.message)
    elif error.code in ("INVALID_PRICE", "PRICE_TOO_HIGH"):
        form.add_error("price", error.message)
    else:
        add_domain_error(form, error)


# --- A venue's labels ----------------------------------------------------------------------------


def _labels_page(request, venue, form, *, rename=None, status: int = 200):
    used = pc.labels_in_use(venue)
    return render(
        request,
        "pro/venues/price_labels.html",
        {
            "title": f"Tarifs — {venue.display_name}",
            "venue": venue,
            "labels": [(label, label.pk in used) for label in pc.labels_of_venue(venue)],
            "form": form,
            "rename": rename,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@pro_required
def venue_labels(request, venue_id: int):
    venue = own_venue_or_404(request, venue_id)
    form = LabelForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                pc.create_label(venue, form.cleaned_data["label"], actor=request.user)
            except DomainError as error:
                _label_error(form, error)
            else:
                messages.success(request, f"Libellé « {form.cleaned_data['label'].strip()} » ajouté.")
                return redirect("pro:venue-price-labels", venue_id=venue.pk)
        return _labels_page(request, venue, form, status=400)
    return _labels_page(request, venue, form)


def _own_label(venue, label_id: int):
    try:
        return pc.get_label(venue, label_id)
    except PriceCategoryLabelNotFound as error:
        raise Http404 from error


@require_http_methods(["GET", "HEAD", "POST"])
@pro_required
def venue_label_rename(request, venue_id: int, label_id: int):
    venue = own_venue_or_404(request, venue_id)
    label = _own_label(venue, label_id)
    form = LabelForm(request.POST or None, initial={"label": label.label})
    if request.method == "POST":
        if form.is_valid():
            try:
                pc.rename_label(label, form.cleaned_data["label"], actor=request.user)
            except DomainError as error:
                _label_error(form, error)
            else:
                messages.success(
                    request, "Libellé renommé : les offres qui l'utilisent affichent le nouveau nom."
                )
                return redirect("pro:venue-price-labels", venue_id=venue.pk)
        return _labels_page(request, venue, LabelForm(), rename=(label, form), status=400)
    return _labels_page(request, venue, LabelForm(), rename=(label, form))


@require_POST
@pro_required
def venue_label_delete(request, venue_id: int, label_id: int):
    venue = own_venue_or_404(request, venue_id)
    label = _own_label(venue, label_id)
    try:
        pc.delete_label(label, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Libellé « {label.label} » supprimé.")
    return redirect("pro:venue-price-labels", venue_id=venue.pk)


# --- An offer's prices ---------------------------------------------------------------------------


def _own_offer(request, offer_id: int):
    offer = own_or_404(selectors.offer_of_offerers(offer_id, request.pro.offerer_ids))
    if not offer.is_event:
        raise Http404
    return offer


def category_rows(offer) -> list[dict]:
    """The offer's prices as the pages list them, cheapest first."""
    return [
        {
            "category": category,
            "label": category.label.label,
            "price": format_euros(category.price_cents),
            "is_import": category.origin != PriceCategoryOrigin.MANUAL,
            "origin": category.get_origin_display(),
        }
        for category in pc.price_categories_of(offer)
    ]


def _categories_page(request, offer, form, *, edit=None, status: int = 200):
    return render(
        request,
        "pro/offers/price_categories.html",
        {
            "title": f"Tarifs — {offer.name}",
            "offer": offer,
            "rows": category_rows(offer),
            "labels": pc.labels_of_venue(offer.venue),
            "form": form,
            "edit": edit,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@pro_required
def offer_categories(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    form = PriceCategoryForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                pc.create_price_category(
                    offer,
                    label=form.cleaned_data["label"],
                    price_cents=euros_to_cents(form.cleaned_data["price"]),
                    actor=request.user,
                )
            except DomainError as error:
                _label_error(form, error)
            else:
                messages.success(request, "Tarif ajouté : choisissez-le en ajoutant des séances.")
                return redirect("pro:offer-price-categories", offer_id=offer.pk)
        return _categories_page(request, offer, form, status=400)
    return _categories_page(request, offer, form)


def _own_category(offer, category_id: int):
    try:
        return pc.get_price_category(offer, category_id)
    except PriceCategoryNotFound as error:
        raise Http404 from error


@require_http_methods(["GET", "HEAD", "POST"])
@pro_required
def offer_category_edit(request, offer_id: int, category_id: int):
    offer = _own_offer(request, offer_id)
    category = _own_category(offer, category_id)
    initial = {"label": category.label.label, "price": cents_to_euros(category.price_cents)}
    form = PriceCategoryForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                pc.update_price_category(
                    category,
                    label=form.cleaned_data["label"],
                    price_cents=euros_to_cents(form.cleaned_data["price"]),
                    actor=request.user,
                )
            except DomainError as error:
                _label_error(form, error)
            else:
                messages.success(
                    request,
                    "Tarif modifié : les séances à venir de ce tarif ont le nouveau prix ; les réservations "
                    "déjà faites gardent le leur.",
                )
                return redirect("pro:offer-price-categories", offer_id=offer.pk)
        return _categories_page(request, offer, PriceCategoryForm(), edit=(category, form), status=400)
    return _categories_page(request, offer, PriceCategoryForm(), edit=(category, form))


@require_POST
@pro_required
def offer_category_delete(request, offer_id: int, category_id: int):
    offer = _own_offer(request, offer_id)
    category = _own_category(offer, category_id)
    try:
        pc.delete_price_category(category, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Tarif supprimé.")
    return redirect("pro:offer-price-categories", offer_id=offer.pk)
