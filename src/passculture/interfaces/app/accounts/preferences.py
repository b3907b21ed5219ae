"""The notification preferences page (one form for every topic, decision 0033) and the one-click
unsubscribe link of non-transactional emails, which works without signing in."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from passculture.core.users.notification_preferences import (
    InvalidUnsubscribeLink,
    Topic,
    preferences_of,
    set_preferences,
    unsubscribe,
)
from passculture.interfaces.app.access import beneficiary_required

# What each topic means, in the app's voice ("tu"): the checkbox's hint, and the unsubscribe page.
HINTS = {
    Topic.SHOW_REMINDERS: "Un email la veille à 10 h, ou 3 h avant pour une réservation de dernière minute.",
    Topic.CREDIT_REMINDERS: "Un email 90, 30 et 7 jours avant la fin de ton crédit, avec ce qu'il te reste "
    "et des films près de chez toi.",
}
LABELS = {
    Topic.SHOW_REMINDERS: "Recevoir un rappel par email avant mes séances",
    Topic.CREDIT_REMINDERS: "Recevoir un rappel avant la fin de mon crédit",
}
UNSUBSCRIBED = {
    Topic.SHOW_REMINDERS: "tu ne recevras plus de rappel avant tes séances.",
    Topic.CREDIT_REMINDERS: "tu ne recevras plus de rappel avant la fin de ton crédit.",
}
PAGE_TITLES = {
    Topic.SHOW_REMINDERS: "Rappels avant les séances",
    Topic.CREDIT_REMINDERS: "Rappels sur ton crédit",
}


def _choices(user) -> list[dict]:
    wanted = preferences_of(user)
    return [
        {"name": topic.value, "label": LABELS[topic], "hint": HINTS[topic], "checked": wanted[topic]}
        for topic in Topic
    ]


@beneficiary_required
@never_cache
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        set_preferences(request.user, {topic: request.POST.get(topic) == "on" for topic in Topic.values})
        messages.success(request, "C'est enregistré : tes choix de notifications sont à jour.")
        return redirect("app:notification_preferences")
    return render(request, "app/accounts/notifications.html", {"choices": _choices(request.user)})


def old_reminder_preference(request: HttpRequest) -> HttpResponse:
    """The account page's former form: its choices now live on the preferences page."""
    return redirect("app:notification_preferences")


@csrf_exempt  # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" with no session nor token
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        _, topic = unsubscribe(token)
    except InvalidUnsubscribeLink as error:
        context = {"error": "Ce lien de désabonnement n'est pas valide. Tu peux choisir tes notifications "
                   "depuis ton compte.", "code": error.code, "title": "Désabonnement"}  # fmt: skip
        return render(request, "app/accounts/unsubscribed.html", context, status=400)
    # Not the address: a forwarded link must not show whose it is.
    context = {"title": PAGE_TITLES[topic], "done": UNSUBSCRIBED[topic]}
    return render(request, "app/accounts/unsubscribed.html", context)
