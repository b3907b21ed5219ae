"""Mes favoris: the films and cinemas a young person keeps (core.favourites), and the heart buttons.

A heart is a form (POST, CSRF) that adds or removes, then comes back to the page it was on: it works
without JavaScript, and the same button says which it will do ("Ajouter aux favoris" or "Retirer des
favoris", aria-pressed).
"""

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import now as utcnow
from passculture.core.favourites.selectors import favourites_of
from passculture.core.favourites.services import add_favourite, remove_favourite_of

from ..access import beneficiary_required
from ..position import profile_place
from .presenters import favourite_cards


def _back(request, fallback: str):
    # Only a path of this site: never another site, never a name that redirect() would try to reverse.
    target = request.POST.get("next", "")[:2000]
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(fallback)


def _toggle(request, *, film_id: int | None = None, venue_id: int | None = None):
    wanted = request.POST.get("action")
    try:
        if wanted == "remove":
            remove_favourite_of(request.user, film_id=film_id, venue_id=venue_id)
            messages.success(request, "Retiré de tes favoris.")
        else:
            add_favourite(request.user, film_id=film_id, venue_id=venue_id)
            messages.success(request, "Ajouté à tes favoris.")
    except DomainError as error:
        messages.error(request, error.message)
    return _back(request, reverse("app:favourites"))


@require_POST
@beneficiary_required
def toggle_film(request, film_id: int):
    return _toggle(request, film_id=film_id)


@require_POST
@beneficiary_required
def toggle_venue(request, venue_id: int):
    return _toggle(request, venue_id=venue_id)


@beneficiary_required
def favourites(request):
    cards = favourite_cards(
        list(favourites_of(request.user)), at=utcnow(), position=profile_place(request.user)
    )
    return render(
        request,
        "app/favourites/list.html",
        {"films": [c for c in cards if c.kind == "film"], "venues": [c for c in cards if c.kind == "venue"]},
    )
