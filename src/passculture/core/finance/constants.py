from django.db import models


class BankAccountStatus(models.TextChoices):
    DRAFT = "DRAFT", "Brouillon"
    PENDING = "PENDING", "En attente de validation"
    ACCEPTED = "ACCEPTED", "Validées"
    REJECTED = "REJECTED", "Refusées"


# The creditor name of a SEPA credit transfer (pain.001) holds at most 70 characters.
HOLDER_MAX_LENGTH = 70
REJECTION_REASON_MAX_LENGTH = 1000

# Banks of the French overseas departments and collectivities use French IBANs (FR...) but BICs with
# their territory's ISO code (e.g. BDAFGPGP for Guadeloupe): those BICs are consistent with an FR IBAN.
FRENCH_TERRITORIES_BIC_COUNTRIES = frozenset(
    {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "TF"}
)


# --- Reimbursement pricing (RULES.md "Reimbursement", docs/decisions/0013-reimbursement-pricing.md) ---


class ScaleKind(models.TextChoices):
    """Which scale applies to a booking: digital offers get 0 %, books their own scale, the rest the general one."""

    GENERAL = "GENERAL", "Barème général"
    BOOK = "BOOK", "Barème livres"
    DIGITAL = "DIGITAL", "Offres numériques"


class PricingStatus(models.TextChoices):
    PRICED = "PRICED", "Valorisée"
    # Put in a payment batch: frozen, neither un-priced nor re-priced any more.
    PROCESSED = "PROCESSED", "Mise en paiement"


class PricingScope(models.TextChoices):
    """Whose yearly revenue the thresholds count: the real service counts per venue (the default);
    the seed's "20 000 EUR per cultural actor" reads as per offerer. Setting
    PASSCULTURE_REIMBURSEMENT_SCOPE chooses."""

    VENUE = "venue", "Lieu"
    OFFERER = "offerer", "Structure"


# Offer categories priced with the book scale. The catalogue is cinema only: none yet, kept so that a
# book category added later is priced by RULES.md's book scale without touching the pricing code.
BOOK_CATEGORIES: frozenset[str] = frozenset()
# The civil year and the brackets are counted in metropolitan French time, whatever the venue's timezone.
PRICING_TIMEZONE = "Europe/Paris"
RATE_MAX_DIGITS = 5
RATE_DECIMAL_PLACES = 4


# --- Payment batches (core/finance/batches.py) -----------------------------------------------------


class PaymentBatchStatus(models.TextChoices):
    GENERATED = "GENERATED", "Généré"
    SENT = "SENT", "Envoyé à la banque"


class PaymentLineStatus(models.TextChoices):
    PENDING = "PENDING", "En attente d'envoi"
    SENT = "SENT", "Envoyé"
    # The transfer did not reach the venue (IBAN closed...): paid again in the next batch once the
    # venue's bank account is accepted again.
    ERROR = "ERROR", "En erreur"


PAYMENT_ERROR_REASON_MAX_LENGTH = 500


# --- What the pro reads (core/finance/transfers.py, ledger.py) -------------------------------------


class TransferState(models.TextChoices):
    """The one vocabulary of the pro's reimbursement pages: every amount on them is in one of these
    states, with the same word in the next transfer, the waiting list, the transfers sent, the
    statements and the per-venue ledger."""

    WAITING = "WAITING", "En attente"
    BLOCKED = "BLOCKED", "Bloqué"
    TO_COME = "TO_COME", "À venir"
    SENDING = "SENDING", "En cours d'envoi"
    SENT = "SENT", "Envoyé"


# The legend shown beside them, in the order money goes through them.
TRANSFER_STATE_HELP = {
    TransferState.WAITING: "pas encore remboursable : réservation à valider, séance à venir ou montant en calcul",
    TransferState.BLOCKED: "une action de votre part est nécessaire : des coordonnées bancaires à faire valider "
    "(ou à remplacer après un virement en erreur)",
    TransferState.TO_COME: "compris dans un prochain virement, à la date indiquée",
    TransferState.SENDING: "virement préparé par le pass Culture, pas encore transmis à la banque",
    TransferState.SENT: "virement transmis à la banque",
}

# A payment line's state in that vocabulary.
LINE_STATES: dict[str, str] = {
    PaymentLineStatus.PENDING: TransferState.SENDING,
    PaymentLineStatus.SENT: TransferState.SENT,
    PaymentLineStatus.ERROR: TransferState.BLOCKED,
}

# The "Statut" column of the pro's statements (CSV and PDF): the words of the pages for a transfer made
# or sent; an error stays "En erreur" on its batch's statement, even once a later batch paid it again.
STATEMENT_LINE_STATUSES: dict[str, str] = {
    PaymentLineStatus.PENDING: TransferState.SENDING.label,
    PaymentLineStatus.SENT: TransferState.SENT.label,
    PaymentLineStatus.ERROR: PaymentLineStatus.ERROR.label,
}
