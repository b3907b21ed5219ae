from django import forms

from passculture.core.bookings.constants import MAX_DUO_QUANTITY


class BookingForm(forms.Form):
    """How many places: 1, or 1 or 2 for a duo offer. The rules themselves are core's (book_offer)."""

    quantity = forms.TypedChoiceField(
        label="Nombre de places",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choisis le nombre de places.",
            "invalid_choice": "Tu peux réserver une seule place (deux pour une offre duo).",
        },
    )

    def __init__(self, *args, is_duo: bool, **kwargs):
        super().__init__(*args, **kwargs)
        top = MAX_DUO_QUANTITY if is_duo else 1
        self.fields["quantity"].choices = [(n, str(n)) for n in range(1, top + 1)]
        self.fields["quantity"].initial = 1
