from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound


class OfferNotFound(NotFound):
    code = "OFFER_NOT_FOUND"
    message = "Offre introuvable."


class StockNotFound(NotFound):
    code = "STOCK_NOT_FOUND"
    message = "Séance ou stock introuvable."


class OfferInactive(DomainError):
    code = "OFFER_INACTIVE"
    message = "Cette offre n'est plus disponible."


class VenueNotValidated(DomainError):
    code = "VENUE_NOT_VALIDATED"
    message = "Ce lieu n'est pas encore validé par le pass Culture."


class OffererNotValidated(DomainError):
    code = "OFFERER_NOT_VALIDATED"
    message = "Cette structure n'est pas encore validée par le pass Culture."


class StockDeleted(DomainError):
    code = "STOCK_DELETED"
    message = "Cette séance a été supprimée."


class BookingLimitPassed(DomainError):
    code = "BOOKING_LIMIT_PASSED"
    message = "La date limite de réservation de cette offre est dépassée."


class EventStarted(DomainError):
    code = "EVENT_STARTED"
    message = "Cette séance a déjà commencé."


class NotEnoughPlaces(DomainError):
    code = "NOT_ENOUGH_PLACES"
    message = "Il n'y a plus assez de places disponibles pour cette séance."


class InvalidPrice(InvalidInput):
    code = "INVALID_PRICE"
    message = "Le prix doit être positif ou nul."


class ThingPriceTooHigh(InvalidInput):
    code = "PRICE_TOO_HIGH"
    message = "Le prix d'une offre hors séance ne peut pas dépasser 300 €."


class InvalidQuantity(InvalidInput):
    code = "INVALID_STOCK_QUANTITY"
    message = "Le nombre de places doit être positif, ou vide pour illimité."


class BeginningRequired(InvalidInput):
    code = "BEGINNING_REQUIRED"
    message = "Une séance doit avoir une date et une heure."


class BookingLimitAfterBeginning(InvalidInput):
    code = "BOOKING_LIMIT_AFTER_BEGINNING"
    message = "La date limite de réservation doit précéder le début de la séance."


class QuantityBelowBookings(InvalidInput):
    code = "QUANTITY_BELOW_BOOKINGS"
    message = "Le nombre de places ne peut pas être inférieur au nombre de places déjà réservées."


class StockDeletionTooLate(DomainError):
    code = "STOCK_DELETION_TOO_LATE"
    message = "Une séance ne peut plus être supprimée plus de 48 h après son début."
