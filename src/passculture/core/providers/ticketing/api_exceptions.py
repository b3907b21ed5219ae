"""Errors of the public API for cinema software (/public/offers/v1, /public/bookings/v1).

Anything outside the venues a provider's key reaches is "not found" (404), never "forbidden": a key learns
nothing about the venues, offers, showtimes or bookings of another provider (decision 28)."""

from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound


class VenueNotFound(NotFound):
    code = "VENUE_NOT_FOUND"
    message = "Aucun lieu relié à votre logiciel avec cet identifiant."


class EventNotFound(NotFound):
    code = "EVENT_NOT_FOUND"
    message = "Aucune offre de séance avec cet identifiant dans les lieux reliés à votre logiciel."


class DateNotFound(NotFound):
    code = "DATE_NOT_FOUND"
    message = "Aucune séance avec cet identifiant pour cette offre."


class TooManyOffers(InvalidInput):
    code = "TOO_MANY_OFFERS"
    message = "Au plus 250 offres (films) par envoi de programme."


class TooManyStocks(InvalidInput):
    code = "TOO_MANY_STOCKS"
    message = "Au plus 850 séances par envoi de programme : envoyez le reste dans un autre appel."


class TooManyPriceCategories(InvalidInput):
    code = "TOO_MANY_PRICE_CATEGORIES"
    message = "Au plus 10 tarifs par offre."


class TooManyDates(InvalidInput):
    code = "TOO_MANY_DATES"
    message = "Au plus 2 500 séances par offre."


class InvalidFilmId(InvalidInput):
    code = "INVALID_FILM_ID"
    message = 'Identifiant de film invalide : "allocine_id:<nombre>" ou "visa:<nombre>".'


class UnknownFilm(InvalidInput):
    code = "UNKNOWN_FILM"
    message = "Film inconnu de pass Culture."


class DuplicateFilm(InvalidInput):
    code = "DUPLICATE_FILM"
    message = "Le même film figure deux fois dans l'envoi : regroupez ses séances dans une seule offre."


class DuplicateIdAtProvider(InvalidInput):
    code = "DUPLICATE_ID_AT_PROVIDER"
    message = "Le même idAtProvider figure deux fois dans l'envoi."


class IdAtProviderTaken(DomainError):
    code = "ID_AT_PROVIDER_TAKEN"
    message = (
        "Cet idAtProvider est déjà celui d'une autre offre de ce lieu (ou d'une autre séance de cette offre)."
    )


class IdAtProviderRequired(InvalidInput):
    code = "ID_AT_PROVIDER_INVALID"
    message = "idAtProvider compte de 1 à 70 caractères."


class PushConflict(DomainError):
    code = "PUSH_CONFLICT"
    message = "Le programme a été modifié en même temps par ailleurs : renvoyez-le."


class DuplicatePriceLabel(InvalidInput):
    code = "DUPLICATE_PRICE_CATEGORY_LABEL"
    message = "Deux tarifs de la même offre portent le même libellé."


class UnknownPriceCategory(InvalidInput):
    code = "UNKNOWN_PRICE_CATEGORY"
    message = "La séance désigne un tarif (priceCategoryIdAtProvider) absent des tarifs de son offre."


class InvalidFeature(InvalidInput):
    code = "INVALID_FEATURE"
    message = "Caractéristique de séance inconnue."
