from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from passculture.interfaces.http import safe_next_url

from .access import SESSION_OFFERER_KEY, pro_required
from .dashboard import dashboard_context


@pro_required
def dashboard(request):
    return render(request, "pro/dashboard.html", dashboard_context(request))


@require_POST
@pro_required
def switch_offerer(request, offerer_id: int):
    return _switch(request, offerer_id)


def _switch(request, offerer_id: int):
    if offerer_id not in request.pro.offerer_ids:
        raise Http404
    request.session[SESSION_OFFERER_KEY] = offerer_id
    return redirect(safe_next_url(request, request.POST.get("next", ""), "pro:dashboard"))


@require_POST
@pro_required
def switch_offerer_form(request):
    """The header's structure selector: `offerer_id` in the form; anything but one of the user's ids is a 404."""
    raw = request.POST.get("offerer_id", "")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 18):
        raise Http404
    return _switch(request, int(raw))
