"""Domain errors: a stable UPPER_SNAKE `code` for programs, a French message for people.

`interfaces/errors.py` maps codes to HTTP statuses, once.
"""

from typing import Any


class DomainError(Exception):
    code: str = "DOMAIN_ERROR"
    message: str = "L'opération n'a pas pu être effectuée."

    def __init__(self, message: str | None = None, *, code: str | None = None, **details: Any) -> None:
        if code is not None:
            self.code = code
        self.message = str(message if message is not None else self.message)
        self.details = details
        super().__init__(self.message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(DomainError):
    code = "NOT_FOUND"
    message = "Objet introuvable."


class PermissionDenied(DomainError):
    code = "FORBIDDEN"
    message = "Vous n'avez pas les droits nécessaires pour cette opération."


class InvalidInput(DomainError):
    code = "INVALID_INPUT"
    message = "Les données envoyées sont invalides."


class ServiceUnavailable(DomainError):
    """A service the platform needs (the rate-limit store, say) does not answer: nothing was done."""

    code = "SERVICE_UNAVAILABLE"
    message = "Le service est momentanément indisponible : réessayez dans quelques instants."


class DateOutOfBounds(InvalidInput):
    code = "DATE_OUT_OF_BOUNDS"
    message = "La date est hors des limites acceptées."


class ForbiddenCharacters(InvalidInput):
    code = "FORBIDDEN_CHARACTERS"
    message = "Ce champ contient des caractères non autorisés."


class InvalidAmount(InvalidInput):
    code = "INVALID_AMOUNT"
    message = "Saisissez un montant en euros, par exemple 7,50."
