"""Request and response shapes of /api/native/v1: camelCase on the wire, amounts in integer cents."""

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool, StrictInt
from pydantic.alias_generators import to_camel

from passculture.interfaces.api.inputs import MAX_ID, MAX_SMALL_INT, InputSchema

CENTS = "Montant en centimes d'euro (1250 = 12,50 €)."


class CamelSchema(Schema):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class CamelInSchema(InputSchema):
    """A request body: its text and dates are checked (interfaces/api/inputs.py)."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ErrorOut(CamelSchema):
    code: str = Field(description="Code stable, en MAJUSCULES_SOULIGNÉES, à tester par les programmes.")
    message: str = Field(description="Message en français, à montrer à la personne.")


class FieldErrorOut(CamelSchema):
    loc: list[str | int]
    type: str
    message: str


class InvalidInputOut(ErrorOut):
    errors: list[FieldErrorOut]


# --- Authentication -----------------------------------------------------------------------------


class SigninIn(CamelInSchema):
    identifier: str = Field(max_length=254, description="Adresse email du compte.")
    password: str


class SigninOut(CamelSchema):
    access_token: str = Field(
        description="Jeton d'accès de courte durée, à envoyer en `Authorization: Bearer`."
    )
    refresh_token: str = Field(description="Jeton de renouvellement, pour `POST /refresh_access_token`.")


class AccessTokenOut(CamelSchema):
    access_token: str


# --- Account ------------------------------------------------------------------------------------


class CreditOut(CamelSchema):
    initial: int = Field(description=CENTS)
    remaining: int = Field(description=f"Solde disponible, 0 une fois le crédit expiré. {CENTS}")
    digital_cap_remaining: int | None = Field(
        description=f"Reste du plafond des offres numériques (null : pas de plafond). {CENTS}"
    )
    expiration_date: dt.datetime
    is_expired: bool
    free_offers_only: bool = Field(
        description="Crédit expiré : les offres gratuites (0 €) restent réservables, pas les payantes "
        "(403 `DEPOSIT_EXPIRED`)."
    )


class AccountEligibilityOut(CamelSchema):
    status: str = Field(
        description="NOT_YET (moins de 18 ans), ELIGIBLE (du jour des 18 ans à la veille des 19 ans), "
        "NO_LONGER (19 ans ou plus) ou UNKNOWN (date de naissance inconnue)."
    )
    eligible_from: dt.date | None = Field(description="Premier jour d'éligibilité : le jour des 18 ans.")
    last_eligible_day: dt.date | None = Field(
        description="Dernier jour d'éligibilité, inclus : la veille des 19 ans."
    )
    message: str = Field(description="L'explication, en français.")
    next_step: str | None = Field(
        description="IDENTITY_CHECK quand la personne est éligible et n'a pas encore de crédit ; null sinon."
    )


class MeOut(CamelSchema):
    id: int
    email: str
    first_name: str
    last_name: str
    birth_date: dt.date | None
    phone_number: str = Field(description="Format international E.164, par exemple +33612345678.")
    postal_code: str
    city: str
    is_beneficiary: bool
    eligibility: AccountEligibilityOut
    credit: CreditOut | None = Field(description="null tant que le crédit n'a pas été attribué.")


# --- Offers -------------------------------------------------------------------------------------


class VenueOut(CamelSchema):
    id: int
    name: str
    address: str
    postal_code: str
    city: str
    latitude: float | None
    longitude: float | None
    timezone: str = Field(description="Fuseau horaire du lieu, pour afficher les horaires (UTC dans l'API).")


class PriceCategoryOut(CamelSchema):
    id: int
    label: str = Field(description="Libellé du tarif (« Plein tarif », « Tarif réduit »).")
    price: int = Field(description=CENTS)


class StockOut(CamelSchema):
    id: int
    beginning_datetime: dt.datetime | None = Field(description="Début de la séance (UTC) ; null hors séance.")
    booking_limit_datetime: dt.datetime | None
    price: int = Field(description=CENTS)
    price_category_id: int | None = Field(
        description="Le tarif de ce stock (une séance vendue à plusieurs tarifs est un stock par tarif, à "
        "la même heure) ; null : prix unique."
    )
    price_category_label: str = Field(description="Libellé du tarif ; « Tarif unique » sans tarif.")
    remaining_quantity: int | None = Field(description="Places restantes ; null : illimité.")
    version: str = Field(description="VF, VO, ou vide.")
    is_bookable: bool


class FilmOut(CamelSchema):
    """What an import (Allociné) tells about the film; empty lists and strings when unknown."""

    directors: list[str]
    cast: list[str] = Field(description="Principaux interprètes.")
    genres: list[str]
    countries: list[str]
    original_title: str
    release_date: dt.date | None
    allocine_url: str | None = Field(description="Page du film sur allocine.fr, quand il en vient.")


class OfferOut(CamelSchema):
    id: int
    name: str
    description: str = Field(description="Synopsis (texte, retours à la ligne conservés).")
    category: str
    duration_minutes: int | None
    languages: list[str]
    is_duo: bool
    is_digital: bool
    is_event: bool
    image_url: str | None = Field(description="L'affiche : l'image de l'offre, sinon celle du film.")
    film_id: int | None = Field(
        description="Le film, partagé par tous les cinémas qui le projettent (ses séances : "
        "`GET /movie/calendar?filmId=`) ; null : pas de film lié."
    )
    venue: VenueOut
    film: FilmOut
    stocks: list[StockOut] = Field(
        description="Séances (ou stock) non supprimées, dans l'ordre chronologique, passées comprises."
    )
    price_categories: list[PriceCategoryOut] = Field(
        description="Les tarifs des stocks de l'offre, du moins cher au plus cher (vide : un prix unique "
        "par stock)."
    )


# --- Offer search -------------------------------------------------------------------------------


class ShowtimeOut(CamelSchema):
    stock_id: int = Field(description="À envoyer comme `stockId` à `POST /bookings`.")
    beginning_datetime: dt.datetime = Field(description="Début de la séance (UTC).")
    version: str = Field(description="VF, VO, ou vide.")
    remaining_quantity: int | None = Field(description="Places restantes ; null : illimité.")
    price: int = Field(description=CENTS)


class SearchOfferOut(CamelSchema):
    id: int
    name: str
    image_url: str | None
    duration_minutes: int | None
    languages: list[str]
    is_duo: bool


class SearchResultOut(CamelSchema):
    offer: SearchOfferOut
    venue: VenueOut
    distance_km: float | None = Field(description="Distance à vol d'oiseau (km) ; null sans position.")
    next_showtimes: list[ShowtimeOut] = Field(description="Les 3 prochaines séances réservables.")
    showtime_count: int = Field(description="Nombre de séances réservables sur la période demandée.")
    min_price: int = Field(description=CENTS)
    max_price: int = Field(description=CENTS)


class SearchOut(CamelSchema):
    results: list[SearchResultOut] = Field(
        description="Par distance puis prochaine séance (avec position), par prochaine séance sinon."
    )
    limit: int
    offset: int
    has_more: bool
    next_offset: int | None = Field(description="`offset` de la page suivante ; null : dernière page.")
    radius_km: int | None = Field(description="Rayon appliqué ; null sans position (toute la France).")
    date: str | None = Field(description="Filtre de date appliqué (today, tomorrow, week, AAAA-MM-JJ).")


class PlaceOut(CamelSchema):
    label: str = Field(description="« Lyon (69001) »")
    latitude: float
    longitude: float


# --- Bookings -----------------------------------------------------------------------------------


class BookingIn(CamelInSchema):
    stock_id: StrictInt = Field(ge=1, le=MAX_ID)
    quantity: StrictInt = Field(le=MAX_SMALL_INT, description="1, ou 2 pour une offre duo.")


class BookingCreatedOut(CamelSchema):
    booking_id: int


class BookingVenueOut(CamelSchema):
    id: int
    name: str
    address: str
    postal_code: str
    city: str
    full_address: str = Field(description="Adresse complète, telle qu'à afficher.")
    timezone: str


class BookingOfferOut(CamelSchema):
    id: int
    name: str
    is_digital: bool
    image_url: str | None
    venue: BookingVenueOut


class BookingStockOut(CamelSchema):
    id: int
    beginning_datetime: dt.datetime | None
    price: int = Field(description=f"Prix actuel du stock. {CENTS}")
    version: str


class ReasonOut(CamelSchema):
    code: str = Field(
        description="Code stable : BOOKING_CANCELLED, BOOKING_ALREADY_USED, EVENT_STARTED, "
        "FINAL_AT_BOOKING (réservée moins de 48 h avant), SHOW_WITHIN_48H, CANCELLATION_WINDOW_OVER."
    )
    message: str = Field(description="Explication en français, heures dans le fuseau du lieu.")


class TicketOut(CamelSchema):
    barcode: str = Field(description="Code-barres du billet émis par la billetterie du cinéma (le QR code).")
    seat: str | None = Field(description="Place (ex. « F12 ») ; null en placement libre.")


class BookingFeedbackOut(CamelSchema):
    """« Tu as aimé ? » après la séance (une seule réponse par réservation, définitive)."""

    can_answer: bool = Field(
        description="Vrai quand la question est à poser : réservation validée, séance terminée, pas encore "
        "de réponse."
    )
    liked: bool | None = Field(description="La réponse donnée : true (aimé), false (pas aimé) ; null sinon.")
    answered_at: dt.datetime | None


class FeedbackIn(CamelInSchema):
    liked: StrictBool = Field(description="true : « J'ai aimé » ; false : « Je n'ai pas aimé ».")


class FilmFeedbackOut(CamelSchema):
    likes: int
    total: int = Field(description="Nombre de réponses (réservations validées, tous cinémas confondus).")
    like_percent: int = Field(description="Part des réponses « aimé », en %, arrondie.")


class BookingOut(CamelSchema):
    id: int
    status: str = Field(description="CONFIRMED, USED, CANCELLED ou REIMBURSED.")
    quantity: int
    amount: int = Field(description=f"Prix unitaire au moment de la réservation. {CENTS}")
    price_category_label: str = Field(
        description="Le tarif réservé (« Tarif réduit ») ; « Tarif unique » pour un stock sans tarif."
    )
    total_amount: int = Field(description=f"amount × quantity. {CENTS}")
    token: str = Field(description="Contremarque (6 caractères).")
    qr_code_payload: str | None = Field(
        description="Contenu du QR code, tant que la réservation est confirmée et la séance pas terminée : "
        "le code-barres du premier billet quand la billetterie du cinéma en a émis, sinon la contremarque."
    )
    tickets: list[TicketOut] = Field(
        default_factory=list,
        description="Billets émis par la billetterie du cinéma (code-barres et place) ; vide sinon.",
    )
    cancellation_limit_datetime: dt.datetime | None = Field(
        description="Annulable jusqu'à cette date ; null : sans limite tant que non utilisée."
    )
    is_cancellable: bool = Field(description="Annulable maintenant par le bénéficiaire.")
    cancellation_message: str = Field(
        description="Jusqu'à quand annuler, ou pourquoi ce n'est plus possible (français, heure du lieu)."
    )
    not_cancellable_reason: ReasonOut | None = Field(description="null tant que l'annulation est possible.")
    cancellation_reason: str | None = Field(
        description="Pour une réservation annulée : BENEFICIARY, OFFERER, EXPIRED, FRAUD ou BACKOFFICE."
    )
    booked_at: dt.datetime
    used_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    stock: BookingStockOut
    offer: BookingOfferOut
    feedback: BookingFeedbackOut


class BookingsOut(CamelSchema):
    ongoing_bookings: list[BookingOut] = Field(description="Confirmées et pas encore passées.")
    ended_bookings: list[BookingOut] = Field(description="Utilisées, annulées ou passées.")


# --- Credit -------------------------------------------------------------------------------------


class CreditMovementOut(CamelSchema):
    kind: str = Field(
        description="GRANT (crédit attribué), BOOKING (réservation), REFUND (annulation : le montant est "
        "rendu) ou EXPIRY (le reste est perdu)."
    )
    date: dt.datetime
    amount: int = Field(description=f"Signé : positif pour un crédit, négatif pour une dépense. {CENTS}")
    balance_after: int = Field(description=f"Solde juste après. {CENTS}")
    booking_id: int | None
    offer_name: str | None
    quantity: int | None
    cancellation_reason: str | None = Field(description="Pour un remboursement : qui a annulé.")
    age: int | None = Field(
        description="Pour un crédit attribué ou expiré, quand la personne en a deux (17 et 18 ans) : "
        "l'âge auquel il a été attribué."
    )


class DepositOut(CamelSchema):
    age: int | None = Field(description="Âge auquel ce crédit a été attribué (17 ou 18 ans).")
    initial: int = Field(description=CENTS)
    spent: int = Field(description=CENTS)
    remaining: int = Field(description=f"0 une fois ce crédit expiré. {CENTS}")
    granted_at: dt.datetime
    expiration_date: dt.datetime
    is_expired: bool


class MyCreditOut(CamelSchema):
    initial: int = Field(description=CENTS)
    spent: int = Field(description=f"Total des réservations non annulées. {CENTS}")
    remaining: int = Field(description=f"Solde disponible, 0 une fois le crédit expiré. {CENTS}")
    digital_cap: int | None = Field(description=f"Plafond des offres numériques (null : aucun). {CENTS}")
    digital_cap_remaining: int | None = Field(description=f"Reste de ce plafond. {CENTS}")
    granted_at: dt.datetime
    expiration_date: dt.datetime = Field(
        description="Le crédit ne peut plus être utilisé à partir de ce moment."
    )
    is_expired: bool
    free_offers_only: bool = Field(
        description="Tous les crédits ont expiré : seules les offres gratuites (0 €) restent réservables."
    )
    deposits: list[DepositOut] = Field(
        description="Chaque crédit, dans l'ordre où les réservations les dépensent (celui qui expire le "
        "premier, puis le plus ancien) : deux avec la réforme 2025 (17 et 18 ans), le solde étant leur somme."
    )
    history: list[CreditMovementOut] = Field(description="Du plus ancien au plus récent.")


# --- Beneficiaries' accounts: sign-up, email links, password, deletion --------------------------


class SignupIn(CamelInSchema):
    email: str = Field(max_length=254)
    password: str = Field(
        max_length=4096,
        description="12 caractères au moins, pas trop courant, pas uniquement des chiffres, "
        "pas trop proche de l'email ou du nom.",
    )
    first_name: str = Field(max_length=128)
    last_name: str = Field(max_length=128)
    birth_date: dt.date = Field(description="AAAA-MM-JJ. Le compte peut être créé dès 15 ans.")
    phone_number: str = Field(max_length=30, description="Numéro français, métropole ou outre-mer.")
    postal_code: str = Field(max_length=10, description="5 chiffres.")
    city: str = Field(
        max_length=100,
        description="Doit correspondre au code postal quand il est connu (voir `GET /cities`).",
    )
    accepted_terms: StrictBool = Field(description="Acceptation des conditions générales : doit valoir true.")


class SignupOut(CamelSchema):
    email: str
    eligibility: AccountEligibilityOut


class ValidateEmailIn(CamelInSchema):
    token: str = Field(
        max_length=1000, description="Le jeton du lien reçu par email (dernier segment de l'URL)."
    )


class EmailIn(CamelInSchema):
    email: str = Field(max_length=254)


class ResetPasswordIn(CamelInSchema):
    uidb64: str = Field(max_length=64, description="Avant-dernier segment du lien reçu par email.")
    token: str = Field(max_length=200, description="Dernier segment du lien reçu par email.")
    new_password: str = Field(max_length=4096)


class ChangePasswordIn(CamelInSchema):
    current_password: str = Field(max_length=4096)
    new_password: str = Field(max_length=4096)


class PasswordIn(CamelInSchema):
    password: str = Field(max_length=4096)


class DeletionOut(CamelSchema):
    requested_at: dt.datetime
    anonymisation_date: dt.datetime = Field(
        description="À partir de cette date, les données sont anonymisées."
    )
    cancelled_bookings: int = Field(
        description="Réservations annulées par la demande (places et crédit libérés)."
    )
    kept_bookings: int = Field(description="Réservations confirmées conservées : plus annulables.")


class CitiesOut(CamelSchema):
    postal_code: str
    cities: list[str] = Field(
        description="Villes de ce code postal (vide : code inconnu, toute ville acceptée)."
    )


# --- Search grouped by film, film calendar -------------------------------------------------------


class FilmSummaryOut(CamelSchema):
    id: int | None = Field(description="Identifiant du film ; null pour une offre pas encore liée à un film.")
    title: str
    image_url: str | None = Field(description="Affiche (celle du film, sinon celle de l'offre).")
    duration_minutes: int | None
    genres: list[str]


class FilmResultOut(CamelSchema):
    key: str = Field(description="« film-<id> », ou « offer-<id> » pour une offre sans film : stable.")
    film: FilmSummaryOut
    offer_id: int = Field(description="L'offre du film dans le cinéma le plus proche (ou au plus tôt).")
    venue: VenueOut
    distance_km: float | None = Field(
        description="Distance du cinéma le plus proche (km) ; null sans position."
    )
    cinema_count: int = Field(
        description="Nombre de cinémas proches (toute la France sans position) qui le passent."
    )
    next_showtimes: list[ShowtimeOut] = Field(
        description="Les 3 prochaines séances réservables dans ce cinéma."
    )
    showtime_count: int = Field(description="Séances réservables dans ce cinéma sur la période.")
    min_price: int = Field(description=CENTS)
    max_price: int = Field(description=CENTS)


class WideningOut(CamelSchema):
    kind: str = Field(description="radius, version, budget, date, duo, accessibility ou text.")
    label: str = Field(description="Ce qu'il faut proposer, en français.")
    radius_km: int | None = Field(description="Pour « radius » : le rayon qui trouve des films.")


class FilmSearchOut(CamelSchema):
    results: list[FilmResultOut] = Field(
        description="Un résultat par film : par distance du cinéma le plus proche puis prochaine séance "
        "(avec position), par prochaine séance sinon."
    )
    limit: int
    offset: int
    has_more: bool
    next_offset: int | None = Field(description="`offset` de la page suivante ; null : dernière page.")
    radius_km: int | None
    date: str | None
    suggestions: list[WideningOut] = Field(
        description="Page vide (première page) : chaque filtre dont le retrait seul trouve des films."
    )


class CalendarShowtimeOut(CamelSchema):
    stock_id: int = Field(description="À envoyer comme `stockId` à `POST /bookings`.")
    beginning_datetime: dt.datetime = Field(description="Début de la séance (UTC).")
    local_time: str = Field(description="Heure locale du cinéma, « 20:30 ».")
    version: str = Field(description="VF, VO, ou vide.")
    price: int = Field(description=CENTS)
    price_category_label: str = Field(
        description="Libellé du tarif ; une séance vendue à plusieurs tarifs est un stock par tarif à la "
        "même heure. « Tarif unique » sans tarif."
    )
    places_left: int | None = Field(
        description="Places restantes quand il en reste moins de 10 ; null sinon."
    )
    is_sold_out: bool


class CalendarCinemaOut(CamelSchema):
    offer_id: int
    venue: VenueOut
    distance_km: float | None = Field(description="null sans position.")
    showtimes: list[CalendarShowtimeOut]


class CalendarDayOut(CamelSchema):
    date: dt.date = Field(description="Jour local des cinémas.")
    cinemas: list[CalendarCinemaOut] = Field(description="Par distance (par nom sans position).")


class CalendarFilmOut(CamelSchema):
    id: int | None = Field(description="null pour une offre pas encore liée à un film.")
    offer_id: int | None = Field(description="L'offre désignée quand le film n'est pas encore lié.")
    title: str
    image_url: str | None
    synopsis: str
    duration_minutes: int | None
    genres: list[str]
    directors: list[str]
    cast: list[str]
    allocine_id: str
    visa: str
    allocine_url: str | None
    feedback: FilmFeedbackOut | None = Field(
        description="« Tu as aimé ? » : les réponses, tous cinémas confondus ; null sous le seuil de "
        "réponses (10), où rien n'est montré."
    )


class MovieCalendarOut(CamelSchema):
    film: CalendarFilmOut
    from_: dt.date = Field(alias="from")
    to: dt.date
    radius: int | None = Field(description="Rayon appliqué (km) ; null sans position (toute la France).")
    days: list[dt.date] = Field(description="Les jours qui ont des séances (pour les puces de jours).")
    calendar: list[CalendarDayOut] = Field(description="Par jour, puis par cinéma.")
