"""Who may see a pro page, and which objects: only those of offerers the user is a validated member of.

Every pro view is decorated with `pro_required`, which puts a `ProContext` on `request.pro`. Objects of
another offerer are answered 404, the same as objects that do not exist: a pro learns nothing about
other cinemas' bookings, offers or venues by trying ids.
"""

from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse

from passculture.core.offerers.models import Offerer, Venue
from passculture.core.offerers.selectors import offerers_with_ids, validated_offerer_ids_of, venue_of_offerers
from passculture.core.users.constants import Role

SESSION_OFFERER_KEY = "pro_offerer_id"
T = TypeVar("T")


@dataclass
class ProContext:
    offerer_ids: set[int]
    offerers: list[Offerer]
    current: Offerer | None

    @property
    def current_id(self) -> int | None:
        return self.current.pk if self.current is not None else None


def build_pro_context(request) -> ProContext:
    ids = validated_offerer_ids_of(request.user)
    offerers = list(offerers_with_ids(ids))
    wanted = request.session.get(SESSION_OFFERER_KEY)
    current = next((o for o in offerers if o.pk == wanted), offerers[0] if offerers else None)
    return ProContext(offerer_ids=ids, offerers=offerers, current=current)


def is_pro_user(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.role in (Role.PRO, Role.STAFF))


def pro_required(view):
    """Logged-in professional (or staff) only; sets request.pro."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_pro_user(request.user):
            return redirect_to_login(request.get_full_path(), reverse("pro:login"))
        request.pro = build_pro_context(request)
        return view(request, *args, **kwargs)

    return wrapper


def own_or_404(found: T | None) -> T:
    """What a `*_of_offerers(id, request.pro.offerer_ids)` selector found, else 404 (never 403: another
    offerer's object and a missing one look the same)."""
    if found is None:
        raise Http404
    return found


def own_venue_or_404(request, venue_id: int) -> Venue:
    return own_or_404(venue_of_offerers(venue_id, request.pro.offerer_ids))
