"""A venue's booking emails (decision 0035): its own address, and one email per booking or a daily digest.

The rules (a real address, the digest needs one, who may change it) live in
core.offerers.booking_notifications; the view parses the form, calls it and shows its French messages.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from passculture.core.common.exceptions import DomainError
from passculture.core.offerers import booking_notifications
from passculture.core.offerers.constants import BOOKING_EMAIL_MAX_LENGTH, BookingNotification

from .access import own_venue_or_404, pro_required

FIELD_BY_ERROR_CODE = {
    "INVALID_BOOKING_EMAIL": "booking_email",
    "BOOKING_EMAIL_TOO_LONG": "booking_email",
    "DIGEST_NEEDS_BOOKING_EMAIL": "booking_email",
    "INVALID_BOOKING_NOTIFICATION": "booking_notification",
}
HINTS = {
    BookingNotification.EACH: "Dès qu'un jeune réserve ou annule, avec ses coordonnées.",
    BookingNotification.DIGEST: "Chaque matin à partir de 8 h (heure du lieu), les réservations et "
    "annulations de la veille, classées par séance. Rien n'est envoyé un jour sans réservation ni annulation.",
}


class BookingEmailsForm(forms.Form):
    booking_email = forms.CharField(
        label="Adresse e-mail de réservation",
        required=False,
        max_length=BOOKING_EMAIL_MAX_LENGTH,
        error_messages={
            "max_length": f"L'adresse e-mail de réservation est trop longue : {BOOKING_EMAIL_MAX_LENGTH} "
            "caractères au plus."
        },
    )
    booking_notification = forms.ChoiceField(
        label="Comment voulez-vous être prévenu des réservations ?",
        choices=BookingNotification.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisissez un e-mail par réservation ou un récapitulatif quotidien.",
            "invalid_choice": "Choisissez un e-mail par réservation ou un récapitulatif quotidien.",
        },
    )

    def add_domain_error(self, error: DomainError) -> None:
        self.add_error(FIELD_BY_ERROR_CODE.get(error.code), error.message)


def _page(request, venue, form, *, status: int = 200):
    return render(
        request,
        "pro/venues/booking_emails.html",
        {
            "title": f"E-mails de réservation de {venue.display_name}",
            "venue": venue,
            "form": form,
            "choices": [(value, label, HINTS[value]) for value, label in BookingNotification.choices],
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@pro_required
def venue_booking_emails(request, venue_id: int):
    venue = own_venue_or_404(request, venue_id)
    if request.method == "GET":
        initial = {"booking_email": venue.booking_email, "booking_notification": venue.booking_notification}
        return _page(request, venue, BookingEmailsForm(initial=initial))
    form = BookingEmailsForm(request.POST)
    if form.is_valid():
        try:
            booking_notifications.set_booking_notifications(
                venue,
                actor=request.user,
                booking_email=form.cleaned_data["booking_email"],
                mode=form.cleaned_data["booking_notification"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, "Vos choix d'e-mails de réservation sont enregistrés.")
            return redirect("pro:venue", venue_id=venue.pk)
    return _page(request, venue, form, status=400)
