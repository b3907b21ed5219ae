from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound


class InvalidSiren(InvalidInput):
    code = "INVALID_SIREN"
    message = "Le numéro SIREN est invalide (9 chiffres, clé de contrôle)."


class InvalidSiret(InvalidInput):
    code = "INVALID_SIRET"
    message = "Le numéro SIRET est invalide (14 chiffres, clé de contrôle)."


class SiretNotMatchingSiren(InvalidInput):
    code = "SIRET_NOT_MATCHING_SIREN"
    message = "Le SIRET du lieu doit commencer par le SIREN de la structure."


class SiretOrReasonRequired(InvalidInput):
    code = "SIRET_OR_REASON_REQUIRED"
    message = "Indiquez le SIRET du lieu ou la raison pour laquelle il n'en a pas."


class InvalidPostalCode(InvalidInput):
    code = "INVALID_POSTAL_CODE"
    message = "Le code postal est invalide (5 chiffres)."


class SirenAlreadyRegistered(DomainError):
    code = "SIREN_ALREADY_REGISTERED"
    message = "Cette structure est déjà inscrite : demandez à la rejoindre."


class SiretAlreadyRegistered(DomainError):
    code = "SIRET_ALREADY_REGISTERED"
    message = "Un lieu avec ce SIRET existe déjà."


class OffererNotFound(NotFound):
    code = "OFFERER_NOT_FOUND"
    message = "Structure introuvable."


class VenueNotFound(NotFound):
    code = "VENUE_NOT_FOUND"
    message = "Lieu introuvable."


class OffererAccessDenied(DomainError):
    code = "OFFERER_ACCESS_DENIED"
    message = "Vous n'êtes pas membre de la structure concernée."
