"""/public/offers/v1: a cinema's event offers, their price categories and showtimes ("dates"), and the
whole programme in one call (`PUT /events/cinema_sessions`). Each route parses, calls core once and
serializes; what a key reaches is decided in core.providers.ticketing.events."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from passculture.core.common.exceptions import InvalidInput
from passculture.core.offers import price_categories
from passculture.core.offers.models import Offer, PriceCategory, Stock
from passculture.core.providers.ticketing import events, sessions
from passculture.interfaces.api.inputs import MAX_ID, Id

from .auth import caller_of
from .schemas import (
    CinemaSessionsIn,
    DateOut,
    DatePatch,
    DatesIn,
    DatesOut,
    ErrorOut,
    EventIn,
    EventOut,
    EventPatch,
    EventsOut,
    InvalidInputOut,
    PriceCategoriesIn,
    PriceCategoriesOut,
    PriceCategoryOut,
    PriceCategoryPatch,
)

router = Router(tags=["Offres"])

MAX_PAGE = 50
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: InvalidInputOut, 429: ErrorOut}
PAGING = (
    "Pages : les éléments d'identifiant ≥ `firstIndex` (1 par défaut), par identifiant croissant, "
    f"`limit` au plus (1 à {MAX_PAGE}, {MAX_PAGE} par défaut) ; la page suivante commence à l'identifiant "
    "du dernier + 1."
)


def page(queryset, first_index: int, limit: int) -> list:
    return list(queryset.filter(pk__gte=first_index).order_by("pk")[:limit])


def film_reference(film) -> str | None:
    if film is None:
        return None
    if film.allocine_id:
        return f"allocine_id:{film.allocine_id}"
    return f"visa:{film.visa}" if film.visa else None


def event_out(offer: Offer) -> dict:
    return {
        "id": offer.pk,
        "name": offer.name,
        "description": offer.description,
        "duration_minutes": offer.duration_minutes,
        "enable_double_bookings": offer.is_duo,
        "booking_email": offer.booking_email or None,
        "id_at_provider": offer.id_at_provider or None,
        "is_active": offer.is_active,
        "location": {"type": "physical", "venue_id": offer.venue_id},
        "category_related_fields": {"category": offer.category},
        "film_id": film_reference(offer.film),
    }


def category_out(category: PriceCategory) -> dict:
    return {
        "id": category.pk,
        "label": category.label.label,
        "price": category.price_cents,
        "id_at_provider": category.id_at_provider or None,
    }


def date_out(stock: Stock) -> dict:
    category = stock.price_category
    return {
        "id": stock.pk,
        "beginning_datetime": stock.beginning_datetime,
        "booking_limit_datetime": stock.booking_limit_datetime,
        "price_category": category_out(category) if category is not None else None,
        "quantity": stock.quantity,
        "booked_quantity": stock.booked_quantity,
        "id_at_provider": stock.id_at_provider or None,
        "features": [*([stock.version] if stock.version else []), *(stock.features or [])],
    }


def _email(value: str | None) -> str | None:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            raise InvalidInput("Adresse email invalide.", code="INVALID_EMAIL") from None
    return value


# --- The whole programme ------------------------------------------------------------------------------


@router.put(
    "/events/cinema_sessions",
    response={204: None, **ERRORS},
    summary="Envoyer le programme d'un cinéma",
    description=(
        "Le programme entier d'un lieu en un appel : au plus 250 offres (`TOO_MANY_OFFERS`), 850 séances "
        "(`TOO_MANY_STOCKS`) et 10 tarifs par offre (`TOO_MANY_PRICE_CATEGORIES`). Une offre par film, "
        "retrouvée d'un envoi à l'autre ; tarifs et séances retrouvés par leur `idAtProvider` : renvoyer "
        "le même programme ne change rien. Une séance future envoyée avant et absente maintenant est "
        "supprimée si personne ne l'a réservée ; réservée, elle est gardée et le cinéma prévenu. Les "
        "séances passées sont ignorées. Film inconnu de pass Culture : `UNKNOWN_FILM` (400), rien "
        "n'est enregistré. Réponse 204 sans corps."
    ),
)
def put_cinema_sessions(request: HttpRequest, payload: CinemaSessionsIn):
    caller = caller_of(request)
    venue = events.venue_of_provider(caller.provider, payload.venue_id)
    sessions.push_cinema_sessions(
        venue,
        [
            sessions.PushedOffer(
                film_id=offer.film_id,
                price_categories=[
                    sessions.PushedCategory(c.id_at_provider, c.label, c.price)
                    for c in offer.price_categories
                ],
                stocks=[
                    sessions.PushedStock(
                        id_at_provider=s.id_at_provider,
                        beginning=s.beginning_datetime,
                        price_category_id_at_provider=s.price_category_id_at_provider,
                        quantity=s.quantity,
                        features=tuple(s.features),
                    )
                    for s in offer.stocks
                ],
            )
            for offer in payload.offers
        ],
        actor_label=caller.label,
        source=caller.provider.name,
    )
    return HttpResponse(status=204)


# --- Events -------------------------------------------------------------------------------------------


@router.post(
    "/events",
    response={200: EventOut, **ERRORS},
    by_alias=True,
    summary="Créer une offre de séances",
    description="Une offre (un film) d'un lieu relié à votre logiciel. `filmId` la relie au film "
    "connu de pass Culture (affiche, synopsis, durée). Erreurs : `VENUE_NOT_FOUND` (404), "
    "`UNKNOWN_FILM`, `INVALID_FILM_ID`, `INVALID_EMAIL` (400), `ID_AT_PROVIDER_TAKEN` (409).",
)
def post_event(request: HttpRequest, payload: EventIn):
    caller = caller_of(request)
    venue = events.venue_of_provider(caller.provider, payload.location.venue_id)
    film = sessions.films_of([payload.film_id])[0] if payload.film_id else None
    offer = events.create_event(
        caller.provider,
        venue,
        id_at_provider=payload.id_at_provider,
        film=film,
        name=payload.name,
        description=payload.description,
        duration_minutes=payload.duration_minutes,
        is_duo=payload.enable_double_bookings,
        booking_email=_email(payload.booking_email) or "",
    )
    return event_out(events.event_of_provider(caller.provider, offer.pk))


@router.get(
    "/events",
    response={200: EventsOut, **ERRORS},
    by_alias=True,
    summary="Lister les offres de séances d'un lieu",
    description=PAGING,
)
def list_events(
    request: HttpRequest,
    venue_id: int = Query(..., alias="venueId", ge=1, le=MAX_ID),
    first_index: int = Query(1, alias="firstIndex", ge=1, le=MAX_ID),
    limit: int = Query(MAX_PAGE, ge=1, le=MAX_PAGE),
):
    caller = caller_of(request)
    venue = events.venue_of_provider(caller.provider, venue_id)
    offers = events.events_of_provider(caller.provider).filter(venue=venue)
    return {"events": [event_out(offer) for offer in page(offers, first_index, limit)]}


@router.get(
    "/events/{event_id}",
    response={200: EventOut, **ERRORS},
    by_alias=True,
    summary="Consulter une offre de séances",
)
def get_event(request: HttpRequest, event_id: Id):
    return event_out(events.event_of_provider(caller_of(request).provider, event_id))


@router.patch(
    "/events/{event_id}",
    response={200: EventOut, **ERRORS},
    by_alias=True,
    summary="Modifier une offre de séances",
    description="Seuls les champs envoyés changent. `isActive: false` retire l'offre de l'application.",
)
def patch_event(request: HttpRequest, event_id: Id, payload: EventPatch):
    caller = caller_of(request)
    offer = events.event_of_provider(caller.provider, event_id)
    sent = payload.model_fields_set
    names = {
        "name": "name",
        "description": "description",
        "duration_minutes": "duration_minutes",
        "enable_double_bookings": "is_duo",
        "booking_email": "booking_email",
    }
    changes = {target: getattr(payload, field) for field, target in names.items() if field in sent}
    if "booking_email" in changes:
        changes["booking_email"] = _email(changes["booking_email"]) or ""
    if changes.get("name") is None:
        changes.pop("name", None)
    if "description" in changes:
        changes["description"] = changes["description"] or ""
    if changes.get("is_duo") is None:
        changes.pop("is_duo", None)
    events.update_event(
        caller.provider,
        offer,
        is_active=payload.is_active,
        id_at_provider=payload.id_at_provider,
        **changes,
    )
    return event_out(events.event_of_provider(caller.provider, event_id))


# --- Price categories ---------------------------------------------------------------------------------


@router.post(
    "/events/{event_id}/price_categories",
    response={200: PriceCategoriesOut, **ERRORS},
    by_alias=True,
    summary="Ajouter des tarifs à une offre",
    description="Chaque tarif : un libellé du lieu (créé s'il n'existe pas) et un prix en centimes. "
    "Tous ou aucun. Erreurs : `PRICE_CATEGORY_ALREADY_EXISTS`, `ID_AT_PROVIDER_TAKEN` (409).",
)
def post_price_categories(request: HttpRequest, event_id: Id, payload: PriceCategoriesIn):
    offer = events.event_of_provider(caller_of(request).provider, event_id)
    created = events.create_price_categories(
        offer, [(item.label, item.price, item.id_at_provider) for item in payload.price_categories]
    )
    return {"price_categories": [category_out(category) for category in created]}


@router.get(
    "/events/{event_id}/price_categories",
    response={200: PriceCategoriesOut, **ERRORS},
    by_alias=True,
    summary="Lister les tarifs d'une offre",
)
def list_price_categories(request: HttpRequest, event_id: Id):
    offer = events.event_of_provider(caller_of(request).provider, event_id)
    return {"price_categories": [category_out(c) for c in price_categories.price_categories_of(offer)]}


@router.patch(
    "/events/{event_id}/price_categories/{price_category_id}",
    response={200: PriceCategoryOut, **ERRORS},
    by_alias=True,
    summary="Modifier un tarif",
    description="Un nouveau prix est recopié sur les séances du tarif qui n'ont pas commencé ; les "
    "réservations gardent le prix payé.",
)
def patch_price_category(
    request: HttpRequest, event_id: Id, price_category_id: Id, payload: PriceCategoryPatch
):
    offer = events.event_of_provider(caller_of(request).provider, event_id)
    category = events.category_of_event(offer, price_category_id)
    updated = price_categories.update_price_category(
        category, label=payload.label, price_cents=payload.price, id_at_provider=payload.id_at_provider
    )
    return category_out(price_categories.get_price_category(offer, updated.pk))


# --- Dates (showtimes) --------------------------------------------------------------------------------


@router.post(
    "/events/{event_id}/dates",
    response={200: DatesOut, **ERRORS},
    by_alias=True,
    summary="Ajouter des séances à une offre",
    description="Toutes ou aucune ; 2 500 séances au plus par offre (`TOO_MANY_DATES`). Chaque séance "
    "a un tarif de l'offre (`priceCategoryId`) ; une séance à deux prix est deux séances au même début.",
)
def post_dates(request: HttpRequest, event_id: Id, payload: DatesIn):
    offer = events.event_of_provider(caller_of(request).provider, event_id)
    created = events.create_dates(
        offer,
        [
            events.NewDate(
                beginning=date.beginning_datetime,
                booking_limit=date.booking_limit_datetime,
                price_category_id=date.price_category_id,
                quantity=date.quantity,
                id_at_provider=date.id_at_provider,
                features=tuple(date.features),
            )
            for date in payload.dates
        ],
    )
    return {"dates": [date_out(stock) for stock in created]}


@router.get(
    "/events/{event_id}/dates",
    response={200: DatesOut, **ERRORS},
    by_alias=True,
    summary="Lister les séances d'une offre",
    description=PAGING,
)
def list_dates(
    request: HttpRequest,
    event_id: Id,
    first_index: int = Query(1, alias="firstIndex", ge=1, le=MAX_ID),
    limit: int = Query(MAX_PAGE, ge=1, le=MAX_PAGE),
):
    offer = events.event_of_provider(caller_of(request).provider, event_id)
    return {"dates": [date_out(stock) for stock in page(events.dates_of_event(offer), first_index, limit)]}


@router.patch(
    "/events/{event_id}/dates/{stock_id}",
    response={200: DateOut, **ERRORS},
    by_alias=True,
    summary="Modifier une séance",
    description="Seuls les champs envoyés changent (`quantity: null` : places illimitées). Une séance "
    "commencée ne change plus de début ni de prix.",
)
def patch_date(request: HttpRequest, event_id: Id, stock_id: Id, payload: DatePatch):
    offer = events.event_of_provider(caller_of(request).provider, event_id)
    stock = events.date_of_event(offer, stock_id)
    sent = payload.model_fields_set
    changes: dict = {}
    if payload.beginning_datetime is not None:
        changes["beginning"] = payload.beginning_datetime
    if payload.booking_limit_datetime is not None:
        changes["booking_limit"] = payload.booking_limit_datetime
    if "quantity" in sent:
        changes["quantity"] = payload.quantity
    updated = events.update_date(
        offer,
        stock,
        id_at_provider=payload.id_at_provider,
        price_category_id=payload.price_category_id,
        features=tuple(payload.features) if payload.features is not None else None,
        **changes,
    )
    return date_out(updated)


@router.delete(
    "/events/{event_id}/dates/{stock_id}",
    response={204: None, **ERRORS},
    summary="Supprimer une séance",
    description="Ses réservations sont annulées et les bénéficiaires prévenus, comme quand le cinéma la "
    "supprime dans son espace ; possible jusqu'à 48 h après le début (`STOCK_DELETION_TOO_LATE`).",
)
def delete_date(request: HttpRequest, event_id: Id, stock_id: Id):
    offer = events.event_of_provider(caller_of(request).provider, event_id)
    events.delete_date(events.date_of_event(offer, stock_id))
    return HttpResponse(status=204)
