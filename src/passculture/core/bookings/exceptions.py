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


# "Tu as aimé ?" after the show (decision 0034)
class FeedbackAlreadyGiven(DomainError):
    code = "FEEDBACK_ALREADY_GIVEN"
    message = "Tu as déjà donné ton avis sur cette réservation : il ne peut plus être modifié."


class FeedbackBookingNotUsed(DomainError):
    code = "FEEDBACK_BOOKING_NOT_USED"
    message = "Tu pourras donner ton avis une fois ta place validée à l'entrée du cinéma."


class FeedbackBookingCancelled(DomainError):
    code = "FEEDBACK_BOOKING_CANCELLED"
    message = "Cette réservation a été annulée : il n'y a pas d'avis à donner."


class FeedbackShowNotOver(DomainError):
    code = "FEEDBACK_SHOW_NOT_OVER"
    message = "Tu pourras donner ton avis à la fin de la séance."


class FeedbackInvalid(InvalidInput):
    code = "FEEDBACK_INVALID"
    message = "Réponds « J'ai aimé » ou « Je n'ai pas aimé »."
