from passculture.core.common.exceptions import DomainError


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
