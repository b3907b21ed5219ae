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


class TooManySigninAttempts(DomainError):
    code = "RATE_LIMITED"
    message = "Trop de tentatives de connexion : réessayez dans une minute."
