from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound


class IdentityCheckNotFound(NotFound):
    code = "IDENTITY_CHECK_NOT_FOUND"
    message = "Demande de vérification d'identité introuvable."


class IdentityCheckAlreadyOpen(DomainError):
    code = "IDENTITY_CHECK_ALREADY_OPEN"
    message = (
        "Ta demande est déjà en cours de vérification : attends la réponse avant d'en envoyer une autre."
    )


class IdentityAlreadyVerified(DomainError):
    code = "IDENTITY_ALREADY_VERIFIED"
    message = "Ton identité est déjà vérifiée et ton crédit attribué."


class IdentityCheckNotPending(DomainError):
    code = "IDENTITY_CHECK_NOT_PENDING"
    message = "Cette demande a déjà été traitée."


class IdentityDataMismatch(DomainError):
    """Approval of a check whose document differs from the account, without the reviewer's confirmation."""

    code = "IDENTITY_DATA_MISMATCH"
    message = (
        "Les informations du document diffèrent de celles du compte : vérifiez-les sur la photo et "
        "confirmez avant de valider."
    )


class UnknownIdentityProvider(DomainError):
    code = "IDENTITY_PROVIDER_UNKNOWN"
    message = "Ce service de vérification d'identité n'est pas configuré."


class InvalidDocumentType(InvalidInput):
    code = "INVALID_DOCUMENT_TYPE"
    message = "Type de document non accepté : carte d'identité, passeport ou titre de séjour."


class InvalidDocumentNumber(InvalidInput):
    code = "INVALID_DOCUMENT_NUMBER"
    message = "Numéro de document invalide : de 6 à 20 lettres ou chiffres, tel qu'il figure sur le document."


class InvalidIdentityName(InvalidInput):
    code = "INVALID_IDENTITY_NAME"
    message = "Nom ou prénom invalide : recopiez-le tel qu'il figure sur le document."


class InvalidIdentityBirthDate(InvalidInput):
    code = "INVALID_BIRTH_DATE"
    message = "Date de naissance invalide."


class InvalidRejectionReason(InvalidInput):
    code = "INVALID_REJECTION_REASON"
    message = "Choisissez un motif de refus dans la liste."


class RejectionCommentRequired(InvalidInput):
    code = "REJECTION_COMMENT_REQUIRED"
    message = "Précisez le motif du refus (1000 caractères au plus)."


class DocumentPhotoRequired(InvalidInput):
    code = "DOCUMENT_PHOTO_REQUIRED"
    message = "Ajoute une photo du document."


class DocumentPhotoTooLarge(InvalidInput):
    code = "DOCUMENT_PHOTO_TOO_LARGE"
    message = "La photo est trop lourde : 10 Mo au maximum."


class DocumentPhotoInvalidType(InvalidInput):
    code = "DOCUMENT_PHOTO_INVALID_TYPE"
    message = "Format non accepté : envoie une photo JPEG ou PNG du document."


class DocumentPhotoTooSmall(InvalidInput):
    code = "DOCUMENT_PHOTO_TOO_SMALL"
    message = "La photo est trop petite pour être lue : 600 × 400 pixels au minimum."


class DocumentPhotoTooManyPixels(InvalidInput):
    code = "DOCUMENT_PHOTO_TOO_MANY_PIXELS"
    message = (
        "La photo a trop de pixels pour être traitée : 64 millions au maximum (par exemple 8000 × 8000). "
        "Réduisez ses dimensions et envoyez-la de nouveau."
    )


class DocumentPhotoUnreadable(InvalidInput):
    code = "DOCUMENT_PHOTO_UNREADABLE"
    message = "La photo est illisible ou incomplète : reprenez-la et envoyez-la de nouveau."
