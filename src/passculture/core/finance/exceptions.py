from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound


class BankAccountInputError(InvalidInput):
    """An error about one field of the bank details form (`field` says which)."""

    field: str | None = None


class InvalidIban(BankAccountInputError):
    code = "INVALID_IBAN"
    message = "IBAN invalide : vérifiez les caractères saisis et la clé de contrôle."
    field = "iban"


class IbanRequired(BankAccountInputError):
    code = "IBAN_REQUIRED"
    message = "Indiquez l'IBAN du compte."
    field = "iban"


class IbanOutsideSepa(BankAccountInputError):
    code = "IBAN_OUTSIDE_SEPA"
    message = "IBAN hors zone SEPA : les remboursements sont versés par virement SEPA uniquement."
    field = "iban"


class InvalidBic(BankAccountInputError):
    code = "INVALID_BIC"
    message = "BIC invalide : 8 ou 11 caractères (lettres et chiffres), par exemple AGRIFRPP."
    field = "bic"


class BicIbanMismatch(BankAccountInputError):
    code = "BIC_IBAN_MISMATCH"
    message = "BIC incohérent avec l'IBAN : le pays du BIC ne correspond pas à celui de l'IBAN."
    field = "bic"


class BicRequired(BankAccountInputError):
    code = "BIC_REQUIRED"
    message = "BIC introuvable pour cet IBAN : indiquez le BIC de votre banque (il figure sur votre RIB)."
    field = "bic"


class HolderRequired(BankAccountInputError):
    code = "BANK_ACCOUNT_HOLDER_REQUIRED"
    message = "Indiquez le titulaire du compte (70 caractères au plus)."
    field = "holder"


class RejectionReasonRequired(BankAccountInputError):
    code = "REJECTION_REASON_REQUIRED"
    message = "Indiquez le motif du refus : il est envoyé au professionnel."
    field = "reason"


class BankAccountNotPending(DomainError):
    code = "BANK_ACCOUNT_NOT_PENDING"
    message = "Ces coordonnées bancaires ne sont plus en attente de validation (déjà traitées ou modifiées)."


class BankAccountAlreadySubmitted(DomainError):
    code = "BANK_ACCOUNT_ALREADY_SUBMITTED"
    message = (
        "Ces coordonnées bancaires ont déjà été transmises : une modification doit être envoyée "
        "pour validation, elle ne peut pas rester en brouillon."
    )


class BankAccountChangedConcurrently(DomainError):
    code = "BANK_ACCOUNT_CHANGED_CONCURRENTLY"
    message = (
        "Les coordonnées bancaires de ce lieu viennent d'être modifiées par ailleurs : rechargez la page."
    )


class BookingInPaymentBatch(DomainError):
    code = "BOOKING_IN_PAYMENT_BATCH"
    message = (
        "Cette réservation est déjà en cours de remboursement : sa validation ne peut plus être "
        "annulée, ni la réservation annulée."
    )


class CustomRuleInvalid(InvalidInput):
    code = "CUSTOM_RULE_INVALID"
    message = "Règle de remboursement invalide."


class CustomRuleOverlap(DomainError):
    code = "CUSTOM_RULE_OVERLAP"
    message = "Une autre règle de remboursement s'applique déjà à la même cible sur cette période."


class CustomRuleNotFound(NotFound):
    code = "CUSTOM_RULE_NOT_FOUND"
    message = "Règle de remboursement introuvable."


class CustomRuleAlreadyEnded(DomainError):
    code = "CUSTOM_RULE_ALREADY_ENDED"
    message = "Cette règle de remboursement est déjà terminée à cette date."


class PaymentBatchAlreadySent(DomainError):
    code = "PAYMENT_BATCH_ALREADY_SENT"
    message = "Ce lot de virements a déjà été marqué comme envoyé."


class PaymentLineAlreadyInError(DomainError):
    code = "PAYMENT_LINE_ALREADY_IN_ERROR"
    message = "Cette ligne de virement est déjà en erreur."


class PaymentErrorReasonRequired(InvalidInput):
    code = "PAYMENT_ERROR_REASON_REQUIRED"
    message = (
        "Indiquez le motif de l'erreur de virement (500 caractères au plus), par exemple « IBAN clôturé »."
    )
