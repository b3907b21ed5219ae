"""Forms of the offer created step by step (views in steps.py): each one parses a step's fields; the
rules live in core.offers.drafts."""

from django import forms

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import cents_to_euros, euros_to_cents
from passculture.core.offers.constants import PRICE_CATEGORY_LABEL_MAX_LENGTH, PosterChoice
from passculture.core.offers.drafts import draft_price, image_source
from passculture.core.offers.images import ACCEPTED_CONTENT_TYPES, CROP_POSITIONS, prepare_offer_source
from passculture.core.offers.scheduling import Schedule

from .forms import EurosField, OfferForm, ProForm, ShowtimesForm, seats_field

# The fields of OfferForm that belong to step 2 or later, removed from step 1.
NOT_FILM_FIELDS = (
    "name",
    "category",
    "description",
    "duration_minutes",
    "languages",
    "is_duo",
    "booking_email",
    "image",
    "remove_image",
)


class InlineRadioSelect(forms.RadioSelect):
    inline = True  # django-dsfr lays the buttons out on one line (it knows the widget by its class name)


class FilmStepForm(OfferForm):
    """Step 1: the venue (on a new offer) and the film: one found by the search, or a new one typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NOT_FILM_FIELDS:
            self.fields.pop(name, None)
        if "venue" in self.fields:
            self.fields["venue"].help_text = "Le cinéma où le film est projeté."

    def clean(self):
        data = super().clean()
        if not data.get("film") and "film" not in self.errors:
            self.add_error(
                None, "Choisissez le film projeté : cherchez-le ci-dessus, ou créez-le s'il n'existe pas."
            )
        return data


class DetailsStepForm(ProForm):
    """Step 2: what the young people read, and the image (sent and framed, the film's poster, or none)."""

    name = forms.CharField(label="Titre de l'offre", max_length=140)
    description = OfferForm.base_fields["description"]
    duration_minutes = OfferForm.base_fields["duration_minutes"]
    languages = forms.MultipleChoiceField(
        label="Langues parlées dans le film",
        choices=OfferForm.base_fields["languages"].choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,  # in columns: pro/offer_steps.css
        help_text="Cochez-en autant que nécessaire. La version (VF ou VO) se choisit pour chaque séance.",
    )
    booking_email = OfferForm.base_fields["booking_email"]
    poster_choice = forms.ChoiceField(
        label="Affiche montrée aux jeunes",
        choices=PosterChoice.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    image = forms.FileField(
        label="Envoyer une image",
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPTED_CONTENT_TYPES}),
        help_text="JPEG, PNG ou WebP, 10 Mo au plus, 400 × 600 pixels au moins. Elle est recadrée au format "
        "affiche (2:3) : vous choisissez le cadrage après l'envoi.",
    )
    position = forms.TypedChoiceField(
        label="Cadrage",
        coerce=int,
        required=False,
        empty_value=50,
        widget=InlineRadioSelect,
        choices=[(value, f"{value} %") for value in CROP_POSITIONS],
    )

    def __init__(self, *args, offer, **kwargs):
        self.offer = offer
        kwargs.setdefault(
            "initial",
            {
                "name": offer.name,
                "description": offer.description,
                "duration_minutes": offer.duration_minutes,
                "languages": offer.languages,
                "booking_email": offer.booking_email,
                "poster_choice": offer.poster_choice,
                "position": (offer.extra_data or {}).get("image_position", 50),
            },
        )
        super().__init__(*args, **kwargs)
        choices = [(PosterChoice.UPLOAD.value, "Votre image (envoyée ci-dessous)")]
        if offer.film_id and offer.film.poster:
            choices.append((PosterChoice.FILM.value, f"L'affiche du film « {offer.film.title} »"))
        choices.append((PosterChoice.NONE.value, "Sans affiche : les jeunes verront les initiales du titre"))
        self.fields["poster_choice"].choices = choices
        self.fields["position"].choices = self.position_choices()
        if not image_source(offer):
            del self.fields["position"]

    def position_choices(self):
        """Words for where the frame sits: left to right for a wide image, top to bottom for a tall one."""
        wide = (self.offer.extra_data or {}).get("image_wide", True)
        words = (
            ("À gauche", "Entre gauche et centre", "Au centre", "Entre centre et droite", "À droite")
            if wide
            else ("En haut", "Entre haut et centre", "Au centre", "Entre centre et bas", "En bas")
        )
        return list(zip(CROP_POSITIONS, words, strict=True))

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        try:
            return prepare_offer_source(upload)
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code.lower()) from error

    def offer_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "duration_minutes": data["duration_minutes"],
            "languages": data["languages"],
            "booking_email": data["booking_email"],
        }


class ShowtimesStepForm(ShowtimesForm):
    """Step 3: the recurrence of the showtimes form, without price and seats (they come at step 4)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["price"], self.fields["quantity"]

    def schedule(self) -> Schedule:
        data = self.cleaned_data
        return Schedule(
            start_date=data["start_date"],
            end_date=data["end_date"],
            times=tuple(data["times"]),
            weekdays=frozenset(data["weekdays"] or ()),
            version=data["version"],
            booking_limit_hours_before=data["booking_limit_hours"],
        )


# Prices typed at step 4 besides the first: "Plein tarif", "Tarif réduit", "Tarif pass Culture".
OTHER_PRICES = 2


class PriceStepForm(ProForm):
    """Step 4: the price (or several: a label and a price each) and number of seats of every showtime,
    and the duo choice."""

    label = forms.CharField(
        label="Libellé du tarif",
        max_length=PRICE_CATEGORY_LABEL_MAX_LENGTH,
        required=False,
        help_text="Facultatif avec un seul prix (« Tarif unique »), par exemple « Plein tarif ».",
    )
    price = EurosField(
        label="Prix de la place (€)", help_text="De 0 € (gratuit) à 1 000 €, par exemple 7,50."
    )
    quantity = seats_field()
    is_duo = forms.TypedChoiceField(
        label="Offre duo",
        choices=[("0", "Non : une place par réservation"), ("1", "Oui : le jeune peut réserver 2 places")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )

    def __init__(self, *args, offer, **kwargs):
        price = draft_price(offer)
        initial = {"is_duo": "1" if offer.is_duo else "0"}
        if price is not None:
            initial.update(price=cents_to_euros(price["price_cents"]), quantity=price["quantity"])
            categories = price.get("categories") or []
            if categories:
                initial["label"] = categories[0][0]
            for number, (text, cents) in enumerate(categories[1 : OTHER_PRICES + 1], start=2):
                initial.update({f"label_{number}": text, f"price_{number}": cents_to_euros(cents)})
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for number in range(2, OTHER_PRICES + 2):
            self.fields[f"label_{number}"] = forms.CharField(
                label=f"Libellé du tarif {number}", max_length=PRICE_CATEGORY_LABEL_MAX_LENGTH, required=False
            )
            self.fields[f"price_{number}"] = EurosField(label=f"Prix du tarif {number} (€)", required=False)
        self.set_help_text(
            "quantity", "Par séance. Laissez vide pour un nombre de places illimité (100 000 au plus)."
        )

    def clean(self):
        data = super().clean()
        for number in range(2, OTHER_PRICES + 2):
            text, price = (data.get(f"label_{number}") or "").strip(), data.get(f"price_{number}")
            if text and price is None and f"price_{number}" not in self.errors:
                self.add_error(f"price_{number}", "Indiquez le prix de ce tarif.")
            if price is not None and not text:
                self.add_error(f"label_{number}", "Indiquez le libellé de ce tarif.")
            if text and not (data.get("label") or "").strip():
                self.add_error("label", "Avec plusieurs tarifs, donnez un libellé au premier.")
        return data

    @property
    def other_rows(self) -> list[tuple]:
        return [(self[f"label_{n}"], self[f"price_{n}"]) for n in range(2, OTHER_PRICES + 2)]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        others = [
            (data[f"label_{n}"].strip(), euros_to_cents(data[f"price_{n}"]))
            for n in range(2, OTHER_PRICES + 2)
            if (data.get(f"label_{n}") or "").strip() and data.get(f"price_{n}") is not None
        ]
        return {
            "price_cents": euros_to_cents(data["price"]),
            "quantity": data["quantity"],
            "is_duo": data["is_duo"],
            "label": (data.get("label") or "").strip(),
            "other_prices": others,
        }
