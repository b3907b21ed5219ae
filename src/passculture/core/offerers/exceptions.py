from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound, PermissionDenied


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


# --- Company registry and sign-up -----------------------------------------------------------------


class RegistryUnavailable(DomainError):
    code = "REGISTRY_UNAVAILABLE"
    message = (
        "Le répertoire des entreprises est momentanément indisponible : saisissez la raison sociale "
        "et l'adresse de votre structure, l'équipe pass Culture les vérifiera."
    )


class CompanyNotFound(InvalidInput):
    code = "COMPANY_NOT_FOUND"
    message = "Aucune entreprise avec ce SIREN dans le répertoire des entreprises (INSEE) : vérifiez-le."


class CompanyClosed(InvalidInput):
    code = "COMPANY_CLOSED"
    message = (
        "Cette entreprise est fermée (cessation d'activité au répertoire des entreprises) : "
        "elle ne peut pas s'inscrire."
    )


class ManualCompanyDetailsRequired(InvalidInput):
    code = "COMPANY_DETAILS_REQUIRED"
    message = "Saisissez la raison sociale, l'adresse, le code postal et la ville de votre structure."


# --- Validation queues ----------------------------------------------------------------------------


class NotOffererAdmin(PermissionDenied):
    code = "NOT_OFFERER_ADMIN"
    message = "Seul un administrateur de la structure peut gérer ses membres."


class MembershipNotFound(NotFound):
    code = "MEMBERSHIP_NOT_FOUND"
    message = "Rattachement introuvable."


class MembershipNotPending(DomainError):
    code = "MEMBERSHIP_NOT_PENDING"
    message = "Ce rattachement a déjà été traité."


class OffererNotPending(DomainError):
    code = "OFFERER_NOT_PENDING"
    message = "Cette structure a déjà été validée ou rejetée."


class RejectionReasonRequired(InvalidInput):
    code = "REJECTION_REASON_REQUIRED"
    message = "Indiquez le motif du rejet : il est envoyé au professionnel."


class VenueNameRequired(InvalidInput):
    code = "VENUE_NAME_REQUIRED"
    message = "Indiquez le nom du lieu."


class VenueAddressRequired(InvalidInput):
    code = "VENUE_ADDRESS_REQUIRED"
    message = "Indiquez l'adresse et la ville du lieu."


class InvalidBookingEmail(InvalidInput):
    code = "INVALID_BOOKING_EMAIL"
    message = (
        "L'adresse e-mail de réservation est invalide : saisissez une adresse comme reservations@cinema.fr."
    )


class BookingEmailTooLong(InvalidInput):
    code = "BOOKING_EMAIL_TOO_LONG"
    message = "L'adresse e-mail de réservation est trop longue : 254 caractères au plus."


class DigestNeedsBookingEmail(InvalidInput):
    code = "DIGEST_NEEDS_BOOKING_EMAIL"
    message = (
        "Le récapitulatif quotidien est envoyé à l'adresse e-mail de réservation du lieu : "
        "indiquez-en une, ou choisissez un e-mail par réservation."
    )


class InvalidBookingNotification(InvalidInput):
    code = "INVALID_BOOKING_NOTIFICATION"
    message = "Choisissez un e-mail par réservation ou un récapitulatif quotidien."


class VenueChangedConcurrently(DomainError):
    code = "VENUE_CHANGED_CONCURRENTLY"
    message = (
        "Ce lieu vient d'être modifié par quelqu'un d'autre pendant l'enregistrement : vérifiez son adresse "
        "puis enregistrez de nouveau."
    )


# --- API keys (ticketing API v2) -------------------------------------------------------------------


class InvalidApiKey(DomainError):
    code = "INVALID_API_KEY"
    message = (
        "Clé d'API invalide : vérifiez qu'elle est copiée en entier, au format "
        "<environnement>_<préfixe>_<secret>."
    )


class ApiKeyRevoked(DomainError):
    code = "API_KEY_REVOKED"
    message = "Cette clé d'API a été révoquée : créez-en une nouvelle dans l'espace pass Culture Pro."


class ApiKeyLimitReached(DomainError):
    code = "API_KEY_LIMIT_REACHED"
    message = (
        "Une structure peut avoir au plus 5 clés d'API actives : révoquez-en une avant d'en créer une autre."
    )


class ApiKeyNotFound(NotFound):
    code = "API_KEY_NOT_FOUND"
    message = "Clé d'API introuvable."


class ApiKeysAdminOnly(PermissionDenied):
    code = "API_KEYS_ADMIN_ONLY"
    message = "Seul un administrateur de la structure validée peut créer ou révoquer ses clés d'API."


class ApiKeyLabelTooLong(InvalidInput):
    code = "API_KEY_LABEL_TOO_LONG"
    message = "Le nom de la clé ne peut pas dépasser 100 caractères."
