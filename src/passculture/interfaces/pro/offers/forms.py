"""Forms of the pro offer pages: they parse and convert (euros -> cents, local times -> UTC); the rules
are checked by core.offers (its DomainErrors come back here as form errors, in French)."""

import datetime as dt
import hashlib
import json
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.html import escape, strip_tags
from dsfr.forms import DsfrBaseForm

from passculture.core.common.exceptions import DomainError
from passculture.core.common.money import cents_to_euros, euros_to_cents, format_euros
from passculture.core.common.time import FRENCH_WEEKDAYS, local_time_exists, local_to_utc, to_local
from passculture.core.common.time import now as utcnow
from passculture.core.films.validation import (
    FIRST_FILM_YEAR,
    GENRE_MAX_LENGTH,
    MAX_GENRES,
    TITLE_MAX_LENGTH,
    YEARS_AHEAD,
)
from passculture.core.offers.constants import (
    LANGUAGES,
    MAX_BOOKING_LIMIT_HOURS_BEFORE,
    MAX_DURATION_MINUTES,
    MAX_PRICE_CENTS,
    MAX_STOCK_QUANTITY,
    Category,
    Version,
)
from passculture.core.offers.images import ACCEPTED_CONTENT_TYPES, prepare_offer_image
from passculture.core.offers.scheduling import Schedule

# Which field shows a domain error, by code; others go on top of the form.
FIELD_OF_ERROR: dict[str, str | tuple[str, ...]] = {
    "OFFER_NAME_REQUIRED": "name",
    "INVALID_CATEGORY": "category",
    "DESCRIPTION_TOO_LONG": "description",
    "INVALID_DURATION": "duration_minutes",
    "INVALID_LANGUAGE": "languages",
    "INVALID_PRICE": "price",
    "PRICE_TOO_HIGH": "price",
    "INVALID_STOCK_QUANTITY": "quantity",
    "STOCK_QUANTITY_TOO_HIGH": "quantity",
    # The first of the form's fields: one showtime's date, or the first day of a schedule.
    "STOCK_DATE_OUT_OF_RANGE": ("date", "start_date"),
    "STOCK_START_IN_PAST": "date",
    "DATE_OUT_OF_BOUNDS": "booking_limit_date",
    "QUANTITY_BELOW_BOOKINGS": "quantity",
    "BOOKING_LIMIT_AFTER_BEGINNING": "booking_limit_date",
    "SCHEDULE_END_BEFORE_START": "end_date",
    "SCHEDULE_TOO_LONG": "end_date",
    "SCHEDULE_WITHOUT_TIME": "times",
    "INVALID_BOOKING_LIMIT_DELAY": "booking_limit_hours",
    "FILM_TITLE_REQUIRED": "new_film_title",
    "FILM_FIELD_TOO_LONG": ("new_film_title", "new_film_genres"),
    "INVALID_FILM_YEAR": "new_film_year",
    "INVALID_VISA": "new_film_visa",
    "INVALID_FILM_DURATION": "duration_minutes",
    "FORBIDDEN_CHARACTERS": (),
}
LATEST_FILM_YEAR_BOUND = 2200
# The film choice travels in one hidden field: a film's id, NEW_FILM (the pro types it), or empty.
NEW_FILM = "nouveau"
VERSION_CHOICES = [(Version.VF.value, "VF (version française)"), (Version.VO.value, "VO (version originale)")]
MAX_TIMES_PER_DAY = 12


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    names = FIELD_OF_ERROR.get(error.code, ())
    field = next(
        (name for name in ((names,) if isinstance(names, str) else names) if name in form.fields), None
    )
    form.add_error(field, error.message)


class ProForm(DsfrBaseForm):
    def set_help_text(self, name: str, text: str) -> None:
        """`text` is HTML (django-dsfr shows help texts unescaped): escape what comes from data.
        DsfrBaseForm builds the bound fields in __init__, and a bound field copies its help text then."""
        self.fields[name].help_text = text
        self[name].help_text = text

    def get_context(self):
        # Skips django-dsfr's transitional deprecation warning (about marking optional fields), which
        # would be printed on every render; the project-wide choice belongs to settings.
        return forms.Form.get_context(self)


class EurosField(forms.DecimalField):
    """Euros typed the French way ("7,50") or not ("7.50"); a text input, as a number input refuses commas."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_value", cents_to_euros(MAX_PRICE_CENTS))
        kwargs.setdefault("max_digits", 8)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def widget_attrs(self, widget):
        return {}

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", ".").replace("€", "").strip()
        return super().to_python(value)


class InlineCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    # django-dsfr lays the boxes out on one line, in a fieldset with its legend: it knows the widget by its
    # class name (another name would render the boxes as a plain input, without the fieldset).
    inline = True


def seats_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="Nombre de places",
        required=False,
        min_value=0,
        max_value=MAX_STOCK_QUANTITY,
        help_text="Laissez vide pour un nombre de places illimité.",
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class OfferForm(ProForm):
    venue = forms.ModelChoiceField(queryset=None, label="Lieu", empty_label=None)
    name = forms.CharField(label="Titre de l'offre", max_length=140)
    category = forms.ChoiceField(
        label="Catégorie",
        choices=Category.choices,
        help_text="Ne peut plus être changée une fois l'offre créée.",
    )
    description = forms.CharField(
        label="Description courte",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="1000 caractères au plus, en texte simple : le synopsis et les informations utiles "
        "aux jeunes. Les retours à la ligne sont conservés.",
    )
    duration_minutes = forms.IntegerField(
        label="Durée (minutes)", required=False, min_value=1, max_value=MAX_DURATION_MINUTES
    )
    languages = forms.MultipleChoiceField(
        label="Langues",
        choices=LANGUAGES,
        required=False,
        # Not inline: the boxes stand in columns inside the fieldset (pro/offer_steps.css), well apart
        # from the next field.
        widget=forms.CheckboxSelectMultiple,
        help_text="Langues parlées dans le film. La version (VF ou VO) se choisit pour chaque séance.",
    )
    is_duo = forms.TypedChoiceField(
        label="Offre duo",
        choices=[("0", "Non"), ("1", "Oui : le jeune peut réserver 2 places")],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="0",
    )
    booking_email = forms.EmailField(label="Email de réception des réservations", required=False)
    image = forms.FileField(
        label="Image (affiche)",
        required=False,
        widget=forms.FileInput(
            attrs={
                "accept": ACCEPTED_CONTENT_TYPES,
                "class": "fr-upload",
                "data-image-preview": "image-preview",
            }
        ),
        help_text="JPEG, PNG ou WebP, 10 Mo au plus, 400 × 600 pixels au moins. "
        "Elle est redimensionnée et ses métadonnées (position GPS, appareil) sont retirées.",
    )
    remove_image = forms.BooleanField(label="Retirer l'image actuelle", required=False)
    film = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    new_film_title = forms.CharField(label="Titre du film", max_length=TITLE_MAX_LENGTH)
    new_film_year = forms.IntegerField(
        label="Année de sortie",
        min_value=FIRST_FILM_YEAR,
        # Narrowed to five years ahead of today when the form is built (the column holds far more).
        max_value=LATEST_FILM_YEAR_BOUND,
        help_text="Elle distingue deux films de même titre (un remake, par exemple).",
    )
    new_film_visa = forms.CharField(
        label="Numéro de visa d'exploitation",
        required=False,
        max_length=20,
        help_text="Facultatif. Les chiffres du visa du CNC, par exemple 158963.",
    )
    new_film_genres = forms.CharField(
        label="Genres",
        required=False,
        max_length=MAX_GENRES * (GENRE_MAX_LENGTH + 2),
        help_text="Facultatif, séparés par des virgules : « Comédie, Drame ». La durée et la description "
        "de l'offre ci-dessous deviennent celles du film.",
    )

    def __init__(self, *args, venues=None, offer=None, film_choice: str = "", **kwargs):
        """`film_choice`: the film picked on the page (an id, NEW_FILM or empty) when the form is not
        posted yet; once posted, the hidden `film` field says it."""
        self.offer = offer
        if offer is not None and not kwargs.get("initial"):
            kwargs["initial"] = {
                "name": offer.name,
                "description": offer.description,
                "duration_minutes": offer.duration_minutes,
                "languages": offer.languages,
                "is_duo": "1" if offer.is_duo else "0",
                "booking_email": offer.booking_email,
            }
        kwargs["initial"] = {**(kwargs.get("initial") or {}), "film": film_choice}
        super().__init__(*args, **kwargs)
        self.film_choice = (self.data.get("film", "") if self.is_bound else film_choice).strip()
        if self.film_choice != NEW_FILM:
            for name in ("new_film_title", "new_film_year", "new_film_visa", "new_film_genres"):
                del self.fields[name]
        else:
            latest = utcnow().year + YEARS_AHEAD
            self.fields["new_film_year"].validators.append(MaxValueValidator(latest))
            self.fields["new_film_year"].widget.attrs["max"] = latest
            self.order_fields(["new_film_title", "new_film_year", "new_film_visa", "new_film_genres"])
        if self.film_choice:
            # The film gives the offer its title when the pro leaves it empty.
            self.fields["name"].required = False
            self.set_help_text("name", "Facultatif : à défaut, le titre du film.")
            if "image" in self.fields:
                self.set_help_text(
                    "image",
                    "Facultatif : à défaut, l'affiche du film. " + str(self.fields["image"].help_text),
                )
        if offer is None:
            self.fields["venue"].queryset = venues
            del self.fields["remove_image"]
        else:
            del self.fields["venue"], self.fields["category"]
            if not offer.image:
                del self.fields["remove_image"]
            if not offer.is_event:
                del self.fields["duration_minutes"]
        venue_email = offer.venue.booking_email if offer is not None else ""
        self.set_help_text(
            "booking_email",
            "Facultatif. À défaut, l'email du lieu" + (f" ({escape(venue_email)})." if venue_email else "."),
        )

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload:
            return None
        try:
            return prepare_offer_image(upload)
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code.lower()) from error

    def clean_film(self):
        value = self.cleaned_data.get("film", "")
        if value and value != NEW_FILM and not value.isdigit():
            raise forms.ValidationError("Film inconnu : cherchez-le de nouveau.")
        return value

    def film_fields(self) -> dict:
        """`film_id` or `new_film` for the offer services (empty: no film chosen)."""
        data = self.cleaned_data
        if data.get("film") == NEW_FILM:
            genres = [genre.strip() for genre in (data.get("new_film_genres") or "").split(",")]
            return {
                "new_film": {
                    "title": data["new_film_title"],
                    "year": data["new_film_year"],
                    "visa": data.get("new_film_visa") or "",
                    "genres": [genre for genre in genres if genre],
                    "duration_minutes": data.get("duration_minutes"),
                    # The film's synopsis is plain text; the offer's description may hold light HTML.
                    "synopsis": strip_tags(data.get("description") or "").strip(),
                }
            }
        if data.get("film"):
            return {"film_id": int(data["film"])}
        return {}

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            "name": data["name"],
            "description": data["description"],
            "languages": data["languages"],
            "is_duo": data["is_duo"],
            "booking_email": data["booking_email"],
        }
        if "duration_minutes" in self.fields:
            fields["duration_minutes"] = data["duration_minutes"]
        return fields


class OfferFilterForm(forms.Form):
    venue = forms.ModelChoiceField(queryset=None, label="Lieu", required=False, empty_label="Tous les lieux")
    status = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Toutes"), ("active", "Actives"), ("inactive", "Désactivées"), ("draft", "Brouillons")],
    )
    q = forms.CharField(label="Rechercher un titre", required=False, max_length=140)

    def __init__(self, *args, venues=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = venues
        self.fields["venue"].widget.attrs["class"] = "fr-select"
        self.fields["status"].widget.attrs["class"] = "fr-select"
        self.fields["q"].widget.attrs.update({"class": "fr-input", "type": "search"})

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        active = {"active": True, "inactive": False}.get(data["status"])
        return {
            "venue_id": data["venue"].pk if data["venue"] else None,
            "active": active,
            "draft": True if data["status"] == "draft" else None,
            "query": data["q"],
        }


class TimesField(forms.CharField):
    """Several times of day typed in one field: "14:00, 20h30" -> [14:00, 20:30]."""

    def to_python(self, value):
        text = super().to_python(value)
        times: list[dt.time] = []
        for part in text.replace(";", ",").replace(" ", ",").split(","):
            part = part.strip().lower().replace("h", ":")
            if not part:
                continue
            if part.endswith(":"):
                part += "00"
            try:
                hours, minutes = (int(piece) for piece in part.split(":"))
                times.append(dt.time(hours, minutes))
            except ValueError as error:
                raise forms.ValidationError(
                    f"Horaire « {part} » illisible : écrivez par exemple 14:00, 20:30."
                ) from error
        times = sorted(set(times))
        if len(times) > MAX_TIMES_PER_DAY:
            raise forms.ValidationError(f"{MAX_TIMES_PER_DAY} horaires par jour au maximum.")
        return times


class ShowtimesForm(ProForm):
    start_date = forms.DateField(label="Du", widget=DateInput())
    end_date = forms.DateField(label="Au (inclus)", widget=DateInput())
    weekdays = forms.TypedMultipleChoiceField(
        label="Jours de la semaine",
        required=False,
        coerce=int,
        choices=[(index, name.capitalize()) for index, name in enumerate(FRENCH_WEEKDAYS)],
        widget=InlineCheckboxSelectMultiple,
        help_text="Aucun jour coché : tous les jours de la période.",
    )
    times = TimesField(
        label="Horaires",
        help_text="Heures de début, à l'heure du lieu, séparées par des virgules : 14:00, 20:30",
    )
    version = forms.ChoiceField(label="Version", choices=VERSION_CHOICES)
    # The offer's prices (decision 0027): each start becomes one showtime per price ticked.
    price_categories = forms.TypedMultipleChoiceField(
        label="Tarifs",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Chaque horaire est vendu à chacun des tarifs cochés (une séance par tarif, même heure, "
        "places comptées par tarif). Aucun coché : le prix ci-dessous.",
    )
    price = EurosField(label="Prix (€)", required=False)
    quantity = seats_field()
    booking_limit_hours = forms.IntegerField(
        label="Fin des réservations (heures avant la séance)",
        required=False,
        min_value=0,
        max_value=MAX_BOOKING_LIMIT_HOURS_BEFORE,
        help_text="Laissez vide pour accepter les réservations jusqu'au début de la séance.",
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {category.pk: category for category in categories}
        if self.categories:
            self.fields["price_categories"].choices = [
                (category.pk, f"{category.label.label} : {format_euros(category.price_cents)}")
                for category in categories
            ]
            self.fields["price"].help_text = "Pour des séances sans tarif coché."
        else:
            del self.fields["price_categories"]

    def clean(self):
        data = super().clean()
        no_price = not data.get("price_categories") and data.get("price") is None
        if "price" in self.fields and no_price and "price" not in self.errors:
            self.add_error("price", "Indiquez un prix, ou cochez au moins un tarif.")
        return data

    def chosen_categories(self) -> list:
        return [self.categories[pk] for pk in self.cleaned_data.get("price_categories") or ()]

    def schedule(self) -> Schedule:
        data = self.cleaned_data
        return Schedule(
            start_date=data["start_date"],
            end_date=data["end_date"],
            times=tuple(data["times"]),
            weekdays=frozenset(data["weekdays"] or ()),
            version=data["version"],
            price_cents=euros_to_cents(data["price"]) if data.get("price") is not None else 0,
            quantity=data["quantity"],
            booking_limit_hours_before=data["booking_limit_hours"],
        )

    def fingerprint(self) -> str:
        """Of the previewed parameters: "create" only creates what the pro has seen in the preview."""
        schedule = self.schedule()
        payload = json.dumps(
            [
                schedule.start_date.isoformat(),
                schedule.end_date.isoformat(),
                [time.isoformat() for time in schedule.times],
                sorted(schedule.weekdays),
                schedule.version,
                schedule.price_cents,
                schedule.quantity,
                schedule.booking_limit_hours_before,
                sorted(self.cleaned_data.get("price_categories") or ()),
            ]
        )
        return hashlib.sha256(payload.encode()).hexdigest()[:32]


class StockForm(ProForm):
    """One showtime (event offer) or the single stock of a card/subscription (thing offer)."""

    date = forms.DateField(label="Date", widget=DateInput())
    time = forms.TimeField(label="Heure", widget=TimeInput())
    version = forms.ChoiceField(label="Version", choices=VERSION_CHOICES)
    price_category = forms.TypedChoiceField(
        label="Tarif",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Le prix de la séance est celui de son tarif ; « Prix propre à la séance » : le prix ci-dessous.",
    )
    price = EurosField(label="Prix (€)", required=False)
    quantity = seats_field()
    booking_limit_date = forms.DateField(
        label="Date limite de réservation", required=False, widget=DateInput()
    )
    booking_limit_time = forms.TimeField(
        label="Heure limite de réservation", required=False, widget=TimeInput()
    )

    def __init__(self, *args, offer, stock=None, categories=(), **kwargs):
        self.offer = offer
        self.tz_name = offer.venue.timezone
        self.categories = {category.pk: category for category in categories}
        if stock is not None:
            initial = {
                "version": stock.version or Version.VF,
                "price": cents_to_euros(stock.price_cents),
                "quantity": stock.quantity,
                "price_category": stock.price_category_id,
            }
            if stock.beginning_datetime is not None:
                start = to_local(stock.beginning_datetime, self.tz_name)
                initial.update(date=start.date(), time=start.time())
            limit = stock.booking_limit_datetime
            if limit is not None and limit != stock.beginning_datetime:
                local_limit = to_local(limit, self.tz_name)
                initial.update(booking_limit_date=local_limit.date(), booking_limit_time=local_limit.time())
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        if offer.is_event:
            self.set_help_text(
                "quantity",
                "Laissez vide pour un nombre illimité ; jamais moins que les places déjà réservées.",
            )
            self.set_help_text(
                "booking_limit_date",
                "Laissez vide pour accepter les réservations jusqu'au début de la séance.",
            )
        else:
            for name in ("date", "time", "version", "booking_limit_date", "booking_limit_time"):
                del self.fields[name]
            self.set_help_text("price", "300 € au maximum.")
        if self.categories and offer.is_event:
            self.fields["price_category"].choices = [
                ("", "Prix propre à la séance"),
                *(
                    (category.pk, f"{category.label.label} : {format_euros(category.price_cents)}")
                    for category in categories
                ),
            ]
        else:
            del self.fields["price_category"]

    def clean(self):
        data = super().clean()
        if data.get("price_category") is None and data.get("price") is None and "price" not in self.errors:
            self.add_error(
                "price",
                "Indiquez un prix." if not self.categories else "Indiquez un prix, ou choisissez un tarif.",
            )
        if not self.offer.is_event:
            return data
        if bool(data.get("booking_limit_date")) != bool(data.get("booking_limit_time")):
            self.add_error("booking_limit_time", "Indiquez la date et l'heure limites, ou aucune des deux.")
        # The same check as the bulk scheduler: a time skipped by the change to summer time would be
        # moved an hour later without a word.
        for date_field, time_field in (("date", "time"), ("booking_limit_date", "booking_limit_time")):
            day, time = data.get(date_field), data.get(time_field)
            if day and time and not local_time_exists(dt.datetime.combine(day, time), self.tz_name):
                self.add_error(
                    time_field,
                    f"{time.strftime('%Hh%M')} n'existe pas le {day.strftime('%d/%m/%Y')} dans le fuseau "
                    f"du lieu ({self.tz_name}) : c'est le passage à l'heure d'été. Choisissez une autre heure.",
                )
        return data

    def service_fields(self) -> dict:
        data = self.cleaned_data
        fields: dict = {"quantity": data["quantity"]}
        category = self.categories.get(data.get("price_category") or 0)
        if "price_category" in self.fields:
            fields["price_category"] = category
        if category is None:
            fields["price_cents"] = euros_to_cents(data["price"])
        if self.offer.is_event:
            start = local_to_utc(dt.datetime.combine(data["date"], data["time"]), self.tz_name)
            limit = start
            if data.get("booking_limit_date"):
                limit = local_to_utc(
                    dt.datetime.combine(data["booking_limit_date"], data["booking_limit_time"]), self.tz_name
                )
            fields.update(beginning=start, booking_limit=limit, version=data["version"])
        return fields
