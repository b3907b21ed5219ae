"""The reminder-before-the-show preference: the account page's checkbox and the one-click unsubscribe
link of the reminder emails (decision 0031), which works without signing in."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from passculture.core.users.reminder_preferences import (
    InvalidUnsubscribeLink,
    set_show_reminders,
    unsubscribe_from_show_reminders,
)
from passculture.interfaces.app.access import beneficiary_required


@beneficiary_required
@require_POST
def reminder_preference(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("wants_show_reminders") == "on"
    set_show_reminders(request.user, wanted)
    if wanted:
        messages.success(request, "Tu recevras un rappel par email avant tes séances.")
    else:
        messages.success(request, "Tu ne recevras plus de rappel avant tes séances.")
    return redirect("app:account")


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no session nor token
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        unsubscribe_from_show_reminders(token)
    except InvalidUnsubscribeLink as error:
        context = {"error": error.message}
        return render(request, "app/accounts/reminders_unsubscribed.html", context, status=400)
    # Not the address: a forwarded link must not show whose it is.
    return render(request, "app/accounts/reminders_unsubscribed.html", {})
