"""Who may see a pro page, and which objects: only those of offerers the user is a validated member of.

Every pro view is decorated with `pro_required`, which puts a `ProContext` on `request.pro`. Objects of
another offerer are answered 404, the same as objects that do not exist: a pro learns nothing about
other cinemas' bookings, offers or venues by trying ids.
"""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import reverse

from passculture.core.offerers.models import Offerer
from passculture.core.offerers.selectors import validated_offerer_ids_of
from passculture.core.users.constants import Role

SESSION_OFFERER_KEY = "pro_offerer_id"


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
    offerers = list(Offerer.objects.filter(pk__in=ids).order_by("name"))
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


def own_or_404(queryset, request, offerer_field: str = "offerer_id", **lookup):
    """The object if it belongs to one of the user's offerers, else 404 (never 403: no existence leak)."""
    obj = queryset.filter(**{f"{offerer_field}__in": request.pro.offerer_ids}, **lookup).first()
    if obj is None:
        raise Http404
    return obj
