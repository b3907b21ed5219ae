from django.db import models


class CheckStatus(models.TextChoices):
    SUBMITTED = "SUBMITTED", "En cours de vérification"
    APPROVED = "APPROVED", "Validée"
    REJECTED = "REJECTED", "Refusée"


# Documents that prove both identity and birth date, and that a young person living in France can hold:
# a French or EU identity card, any passport, a French residence permit. A driving licence is not
# accepted: it proves neither nationality nor residence in France, which eligibility requires.
# (A comment, not a docstring: the API's OpenAPI would show it as the enum's description.)
class DocumentType(models.TextChoices):
    IDENTITY_CARD = "IDENTITY_CARD", "Carte nationale d'identité"
    PASSPORT = "PASSPORT", "Passeport"
    RESIDENCE_PERMIT = "RESIDENCE_PERMIT", "Titre de séjour"


class RejectionReason(models.TextChoices):
    UNREADABLE_DOCUMENT = "UNREADABLE_DOCUMENT", "Photo du document illisible ou incomplète"
    DOCUMENT_EXPIRED = "DOCUMENT_EXPIRED", "Document expiré"
    DOCUMENT_NOT_ACCEPTED = "DOCUMENT_NOT_ACCEPTED", "Document non accepté"
    DATA_MISMATCH = "DATA_MISMATCH", "Informations différentes de celles du document"
    NOT_ELIGIBLE = "NOT_ELIGIBLE", "Âge non éligible d'après le document"
    DUPLICATE = "DUPLICATE", "Document déjà utilisé pour un autre compte"
    OTHER = "OTHER", "Autre motif"


# What the beneficiary can do about each refusal (shown on the page, in the API and in the email).
REJECTION_HINTS = {
    RejectionReason.UNREADABLE_DOCUMENT: "Reprenez la photo en pleine lumière, le document entier dans le cadre, "
    "sans reflet ni doigt sur le texte.",
    RejectionReason.DOCUMENT_EXPIRED: "Envoyez un document en cours de validité.",
    RejectionReason.DOCUMENT_NOT_ACCEPTED: "Envoyez une carte d'identité, un passeport ou un titre de séjour.",
    RejectionReason.DATA_MISMATCH: "Recopiez exactement les noms, prénoms, date de naissance et numéro "
    "tels qu'ils figurent sur le document.",
    RejectionReason.NOT_ELIGIBLE: "Le pass Culture est ouvert aux jeunes de 18 ans : vérifiez la date de "
    "naissance saisie.",
    RejectionReason.DUPLICATE: "Un document ne peut servir qu'à un seul compte : écrivez au support si vous "
    "pensez qu'il s'agit d'une erreur.",
    RejectionReason.OTHER: "",
}

REJECTION_COMMENT_MAX_LENGTH = 1000
# The check keeps the manual review's name when no provider is given.
MANUAL_PROVIDER_NAME = "manual"
