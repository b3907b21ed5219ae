from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound


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
    message = "Adresse email pas encore confirmée : le lien est dans l'email reçu à l'inscription."


class NotABeneficiary(DomainError):
    code = "NOT_A_BENEFICIARY"
    message = "Seuls les bénéficiaires du pass Culture peuvent réserver."


class InvalidToken(DomainError):
    code = "INVALID_TOKEN"
    message = "Jeton invalide ou expiré : une nouvelle connexion est nécessaire."


class TokenExpired(InvalidToken):
    code = "TOKEN_EXPIRED"
    message = "Session expirée : une nouvelle connexion (ou un nouveau jeton) est nécessaire."


class NotAuthenticated(DomainError):
    code = "UNAUTHENTICATED"
    message = "Connexion nécessaire pour cette opération."


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


class AccountDeletionPending(AccountInactive):
    """Same code as any deactivated account, with the reason: the owner asked for its deletion."""

    message = (
        "Ce compte est désactivé : sa suppression a été demandée et est en cours. "
        "Si ce n'est pas vous, écrivez au support pass Culture au plus vite."
    )


class EmailAlreadyConfirmed(DomainError):
    code = "EMAIL_ALREADY_CONFIRMED"
    message = "Cette adresse email est déjà confirmée : la connexion se fait avec le mot de passe."


class IncorrectPassword(DomainError):
    code = "INCORRECT_PASSWORD"
    message = "Mot de passe incorrect."


# --- Sign-up fields (each a 400: the person typed something we cannot accept) ------------------


class TermsNotAccepted(InvalidInput):
    code = "TERMS_NOT_ACCEPTED"
    message = "Il faut accepter les conditions générales d'utilisation pour créer un compte."


class InvalidName(InvalidInput):
    code = "INVALID_NAME"
    message = "Prénom et nom attendus, en lettres (tirets, apostrophes et espaces acceptés)."


class InvalidBirthDate(InvalidInput):
    code = "INVALID_BIRTH_DATE"
    message = "La date de naissance est invalide."


class TooYoungToSignUp(InvalidInput):
    code = "TOO_YOUNG_TO_SIGN_UP"
    message = "Il faut avoir au moins 15 ans pour créer un compte pass Culture."


class InvalidPostalCode(InvalidInput):
    code = "INVALID_POSTAL_CODE"
    message = "Le code postal doit comporter 5 chiffres, par exemple 69001 ou 97400."


class InvalidCity(InvalidInput):
    code = "INVALID_CITY"
    message = "La ville est attendue."


class CityNotMatchingPostalCode(InvalidInput):
    code = "CITY_NOT_MATCHING_POSTAL_CODE"
    message = "La ville ne correspond pas au code postal."
