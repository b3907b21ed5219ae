from passculture.core.common.exceptions import DomainError, NotFound


class UserNotFound(NotFound):
    code = "USER_NOT_FOUND"
    message = "Utilisateur introuvable."


class EmailAlreadyUsed(DomainError):
    code = "EMAIL_ALREADY_USED"
    message = "Un compte existe déjà avec cette adresse email."


class InvalidCredentials(DomainError):
    code = "INVALID_CREDENTIALS"
    message = "Identifiant ou mot de passe incorrect."


class AccountInactive(DomainError):
    code = "ACCOUNT_INACTIVE"
    message = "Ce compte est désactivé."


class EmailNotValidated(DomainError):
    code = "EMAIL_NOT_VALIDATED"
    message = "Vous devez d'abord confirmer votre adresse email."


class NotABeneficiary(DomainError):
    code = "NOT_A_BENEFICIARY"
    message = "Seuls les bénéficiaires du pass Culture peuvent réserver."


class InvalidToken(DomainError):
    code = "INVALID_TOKEN"
    message = "Jeton invalide ou expiré : reconnectez-vous."


class TokenExpired(InvalidToken):
    code = "TOKEN_EXPIRED"
    message = "Votre session a expiré : reconnectez-vous ou renouvelez votre jeton."


class NotAuthenticated(DomainError):
    code = "UNAUTHENTICATED"
    message = "Vous devez être connecté pour effectuer cette opération."


class RateLimited(DomainError):
    """Too many requests for now; `details["retry_after"]` holds the seconds to wait."""

    code = "RATE_LIMITED"
    message = "Trop de demandes : réessayez dans une minute."


class TooManySigninAttempts(RateLimited):
    message = "Trop de tentatives de connexion : réessayez dans une minute."


class InvalidPhoneNumber(DomainError):
    code = "INVALID_PHONE_NUMBER"
    message = "Le numéro de téléphone est invalide : indiquez un numéro français, par exemple 06 12 34 56 78."


class InvalidEmailConfirmationLink(DomainError):
    code = "INVALID_EMAIL_CONFIRMATION_LINK"
    message = "Ce lien de confirmation est invalide. Demandez un nouveau lien."


class EmailConfirmationLinkExpired(InvalidEmailConfirmationLink):
    code = "EMAIL_CONFIRMATION_LINK_EXPIRED"
    message = "Ce lien de confirmation a expiré (il est valable 3 jours). Demandez un nouveau lien."


class InvalidPasswordResetLink(DomainError):
    code = "INVALID_PASSWORD_RESET_LINK"
    message = "Ce lien de réinitialisation est invalide, expiré ou déjà utilisé. Demandez un nouveau lien."


class NotAProfessional(DomainError):
    code = "NOT_A_PROFESSIONAL"
    message = "Ce compte n'est pas un compte professionnel : utilisez l'application pass Culture."
