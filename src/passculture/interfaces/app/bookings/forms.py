from collections.abc import Sequence

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

    # The showtime's price (its stock) when it is sold at several: the other stocks at the same start.
    tarif = forms.TypedChoiceField(
        label="Tarif",
        coerce=int,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisis un des tarifs proposés pour cette séance."},
    )

    def __init__(self, *args, is_duo: bool, price_stock_ids: Sequence[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tarif"].choices = [(pk, str(pk)) for pk in price_stock_ids]
        top = MAX_DUO_QUANTITY if is_duo else 1
        self.fields["quantity"].choices = [(n, str(n)) for n in range(1, top + 1)]
        self.fields["quantity"].initial = 1
