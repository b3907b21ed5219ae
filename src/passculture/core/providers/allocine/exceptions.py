from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound, PermissionDenied


class AllocineError(DomainError):
    code = "ALLOCINE_ERROR"
    message = "Le programme n'a pas pu être récupéré auprès d'AlloCiné."


class AllocineUnavailable(AllocineError):
    code = "ALLOCINE_UNAVAILABLE"
    message = "AlloCiné ne répond pas pour le moment : le programme sera récupéré lors du prochain import."


class AllocineUnauthorized(AllocineError):
    code = "ALLOCINE_UNAUTHORIZED"
    message = "AlloCiné a refusé l'accès : la clé d'API est absente, invalide ou expirée."


class AllocineBadPayload(AllocineError):
    code = "ALLOCINE_BAD_PAYLOAD"
    message = "La réponse d'AlloCiné est illisible : le programme n'a pas pu être importé."


class AllocineRequestRejected(AllocineError):
    code = "ALLOCINE_REQUEST_REJECTED"
    message = "AlloCiné a refusé la demande (cinéma inconnu ou trop de demandes)."


class AllocineNotEligible(PermissionDenied):
    """Raised with the eligibility message, which says why and whom to contact."""

    code = "ALLOCINE_NOT_ELIGIBLE"
    message = "Ce lieu ne peut pas importer ses séances depuis AlloCiné."


class AllocinePriceInvalid(InvalidInput):
    code = "ALLOCINE_PRICE_INVALID"
    message = "Le prix des séances est obligatoire, entre 0 et 1 000 €."


class AllocineQuantityInvalid(InvalidInput):
    code = "ALLOCINE_QUANTITY_INVALID"
    message = (
        "Le nombre de places par séance doit être compris entre 1 et 100 000 (laissez vide pour illimité)."
    )


class AllocineAlertNotFound(NotFound):
    """Also raised for another offerer's alert: a pro learns nothing about other cinemas by trying ids."""

    code = "ALLOCINE_ALERT_NOT_FOUND"
    message = "Cette alerte n'existe pas ou a déjà été traitée."
