""" "Tu as aimé ?" after the show (decision 0034): two buttons in a form (POST, CSRF), then back to where
the question was asked, which now says "Merci !". Works without JavaScript; the app has no script that
enhances forms, so none is added here."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from passculture.core.bookings.exceptions import BookingNotFound
from passculture.core.bookings.feedback import give_feedback
from passculture.core.common.exceptions import DomainError

from ..access import beneficiary_required

# The button's value -> the answer. Anything else is refused with a sentence, never a 5xx.
ANSWERS = {"aime": True, "pas-aime": False}
THANKS = {
    True: "Merci ! Ton avis aide les autres jeunes à choisir leur film.",
    False: "Merci ! C'est noté : ton avis aide les autres jeunes à choisir leur film.",
}
# Where the question was asked: the list of past bookings, else the booking's own page.
LIST_RETURN = "liste"


def _back(request, booking_id: int):
    if request.POST.get("retour", "")[:10] == LIST_RETURN:
        return redirect(f"{reverse('app:bookings')}?onglet=passees#avis-{booking_id}")
    return redirect(f"{reverse('app:booking', args=[booking_id])}#avis-{booking_id}")


@require_POST
@beneficiary_required
def answer(request, booking_id: int):
    liked = ANSWERS.get(request.POST.get("avis", "")[:20])
    if liked is None:
        messages.error(request, "Choisis « J'ai aimé » ou « Je n'ai pas aimé ».")
        return _back(request, booking_id)
    try:
        give_feedback(request.user, booking_id, liked)
    except BookingNotFound as error:
        raise Http404(error.message) from error
    except DomainError as error:
        messages.error(request, error.message)
        return _back(request, booking_id)
    messages.success(request, THANKS[liked])
    return _back(request, booking_id)
