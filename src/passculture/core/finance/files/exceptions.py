from passculture.core.common.exceptions import DomainError, InvalidInput


class InvalidTransferAmount(InvalidInput):
    code = "INVALID_TRANSFER_AMOUNT"
    message = "Montant de virement invalide : un virement SEPA porte sur un montant strictement positif."


class NoTransfer(InvalidInput):
    code = "NO_TRANSFER"
    message = "Aucun virement à émettre : un fichier SEPA doit contenir au moins un virement."


class MissingBankDetails(InvalidInput):
    code = "MISSING_BANK_DETAILS"
    message = "Coordonnées bancaires manquantes : chaque ligne à virer doit porter un IBAN et un BIC."


class SepaFileInvalid(DomainError):
    """The generated XML does not match the pain.001.001.03 schema: a bug, never sent to a bank."""

    code = "SEPA_FILE_INVALID"
    message = "Le fichier de virements SEPA généré ne respecte pas le schéma pain.001.001.03."
