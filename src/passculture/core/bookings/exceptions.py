from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound, PermissionDenied


class BookingNotFound(NotFound):
    code = "BOOKING_NOT_FOUND"
    message = "Réservation introuvable."


class CountermarkNotFound(NotFound):
    code = "COUNTERMARK_NOT_FOUND"
    message = "Cette contremarque n'a pas été trouvée."


class InvalidCountermark(InvalidInput):
    code = "INVALID_COUNTERMARK"
    message = "Une contremarque compte 6 caractères (lettres et chiffres 2 à 7)."


class BookingOfAnotherOfferer(PermissionDenied):
    code = "BOOKING_OTHER_OFFERER"
    message = "Cette contremarque ne concerne pas une offre de votre structure."


class BookingCancelled(DomainError):
    code = "BOOKING_CANCELLED"
    message = "Cette réservation a été annulée."


class BookingAlreadyUsed(DomainError):
    code = "BOOKING_ALREADY_USED"
    message = "Cette contremarque a déjà été validée."


class BookingReimbursed(DomainError):
    code = "BOOKING_REIMBURSED"
    message = "Cette réservation a déjà été remboursée."


class BookingNotYetValidatable(DomainError):
    code = "BOOKING_NOT_YET_VALIDATABLE"
    message = "Cette réservation est encore annulable par le bénéficiaire."


class BookingNotUsed(DomainError):
    code = "BOOKING_NOT_USED"
    message = "Cette réservation n'a pas encore été validée."


class AlreadyBooked(DomainError):
    code = "ALREADY_BOOKED"
    message = "Tu as déjà réservé cette offre."


class InvalidBookingQuantity(InvalidInput):
    code = "INVALID_BOOKING_QUANTITY"
    message = "Tu peux réserver une seule place (deux pour une offre duo)."


class CancellationLimitPassed(DomainError):
    code = "CANCELLATION_LIMIT_PASSED"
    message = "Le délai d'annulation de cette réservation est dépassé."


class BookingNotCancellable(DomainError):
    code = "BOOKING_NOT_CANCELLABLE"
    message = "Cette réservation ne peut plus être annulée."


class CancellationMessageTooLong(InvalidInput):
    code = "CANCELLATION_MESSAGE_TOO_LONG"
    message = "Le message au bénéficiaire ne peut pas dépasser 500 caractères."
