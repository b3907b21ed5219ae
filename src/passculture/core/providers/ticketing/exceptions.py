from passculture.core.common.exceptions import DomainError, InvalidInput


class ProviderNotFound(DomainError):
    code = "PROVIDER_NOT_FOUND"
    message = "Ce logiciel de billetterie n'existe pas ou n'est plus actif."


class InvalidProviderKey(DomainError):
    code = "INVALID_API_KEY"
    message = (
        "Clé d'API invalide : vérifiez qu'elle est copiée en entier, au format "
        "<environnement>_<préfixe>_<secret>."
    )


class ProviderKeyRevoked(DomainError):
    code = "API_KEY_REVOKED"
    message = "Cette clé d'API a été révoquée : demandez-en une nouvelle à pass Culture."


class ProviderKeyLabelTooLong(DomainError):
    code = "INVALID_INPUT"
    message = "Le libellé de la clé ne doit pas dépasser 100 caractères."


class StaffOnly(DomainError):
    code = "FORBIDDEN"
    message = "Seule l'équipe pass Culture peut effectuer cette opération."


class InvalidVenueIdAtProvider(DomainError):
    code = "INVALID_INPUT"
    message = "Saisissez l'identifiant du lieu chez le logiciel (70 caractères au plus)."


class LinkAlreadyRequested(DomainError):
    code = "TICKETING_LINK_ALREADY_REQUESTED"
    message = "Une demande de lien est déjà en cours pour ce lieu."


class LinkAlreadyActive(DomainError):
    code = "TICKETING_LINK_ALREADY_ACTIVE"
    message = "Ce lieu est déjà relié à un logiciel de billetterie."


class LinkNotPending(DomainError):
    code = "TICKETING_LINK_NOT_PENDING"
    message = "Cette demande de lien a déjà été traitée."


class LinkNotActive(DomainError):
    code = "TICKETING_LINK_NOT_ACTIVE"
    message = "Ce lien de billetterie n'est pas actif."


class RefusalReasonRequired(DomainError):
    code = "INVALID_INPUT"
    message = "Indiquez le motif du refus (500 caractères au plus)."


class SigningSecretMissing(DomainError):
    code = "TICKETING_SECRET_MISSING"
    message = "Ce logiciel de billetterie n'a pas encore de secret de signature."


# --- Booking through the cinema's system (decision 0029) --------------------------------------------


class TicketingSoldOut(DomainError):
    code = "TICKETING_SOLD_OUT"
    message = "Cette séance est complète dans la billetterie du cinéma. Votre crédit n'a pas été utilisé."


class TicketingNotEnoughSeats(DomainError):
    code = "TICKETING_NOT_ENOUGH_SEATS"
    message = (
        "Il ne reste pas assez de places pour cette séance dans la billetterie du cinéma. "
        "Votre crédit n'a pas été utilisé."
    )


class TicketingUnavailable(DomainError):
    code = "TICKETING_UNAVAILABLE"
    message = (
        "La billetterie du cinéma ne répond pas : la réservation n'a pas été faite et votre crédit n'a "
        "pas été utilisé. Réessayez dans quelques minutes."
    )


class TicketingSellingStopped(DomainError):
    code = "TICKETING_SELLING_STOPPED"
    message = (
        "Les réservations de ce cinéma sont momentanément suspendues. Réessayez plus tard ou "
        "renseignez-vous auprès du cinéma."
    )


class TicketingStockNotLinked(DomainError):
    code = "TICKETING_STOCK_NOT_LINKED"
    message = (
        "Cette séance n'est pas encore reliée à la billetterie du cinéma : elle ne peut pas être réservée."
    )


class TicketingBookingInProgress(DomainError):
    code = "TICKETING_BOOKING_IN_PROGRESS"
    message = (
        "Une autre réservation est en cours pour votre compte : attendez quelques secondes et réessayez."
    )


class InvalidWebhookUrl(InvalidInput):
    code = "INVALID_WEBHOOK_URL"
    message = "Saisissez une adresse commençant par https:// (500 caractères au plus)."
