"""What stands between a person and a booking, said before the tap: a stable reason code, a short
label for the showtime button and a sentence in the app's "tu" voice saying why and what to do.

`code` is the error code book_offer would raise (NO_DEPOSIT, DEPOSIT_EXPIRED...); `reason` refines it
for the screen where one code covers several situations (NO_DEPOSIT: 17 and not yet eligible, identity
under review, identity never sent). Pure: the selectors gather the facts."""

import datetime as dt
from dataclasses import dataclass

from passculture.core.common.money import format_euros
from passculture.core.common.time import format_day


class Reason:
    NOT_LOGGED_IN = "NOT_LOGGED_IN"
    NOT_A_BENEFICIARY = "NOT_A_BENEFICIARY"
    NOT_YET_ELIGIBLE = "NOT_YET_ELIGIBLE"
    NO_LONGER_ELIGIBLE = "NO_LONGER_ELIGIBLE"
    IDENTITY_PENDING = "IDENTITY_PENDING"
    IDENTITY_NOT_VERIFIED = "IDENTITY_NOT_VERIFIED"
    DEPOSIT_EXPIRED = "DEPOSIT_EXPIRED"
    INSUFFICIENT_CREDIT = "INSUFFICIENT_CREDIT"
    ALREADY_BOOKED = "ALREADY_BOOKED"
    SOLD_OUT = "SOLD_OUT"
    BOOKING_CLOSED = "BOOKING_CLOSED"
    UNAVAILABLE = "UNAVAILABLE"


PERSONAL_REASONS = frozenset(
    {
        Reason.NOT_LOGGED_IN,
        Reason.NOT_A_BENEFICIARY,
        Reason.NOT_YET_ELIGIBLE,
        Reason.NO_LONGER_ELIGIBLE,
        Reason.IDENTITY_PENDING,
        Reason.IDENTITY_NOT_VERIFIED,
        Reason.DEPOSIT_EXPIRED,
    }
)


@dataclass(frozen=True)
class Obstacle:
    code: str  # what book_offer raises ("UNAUTHENTICATED" when nobody is logged in)
    reason: str  # Reason.*
    label: str  # on the button: "Crédit expiré"
    message: str  # the sentence: why, and what to do next

    @property
    def is_personal(self) -> bool:
        """The person's state, the same for every (paid) showtime: not about one cinema or one price."""
        return self.reason in PERSONAL_REASONS


@dataclass(frozen=True)
class Facts:
    """What the messages need beyond the error: the person's age situation and identity check."""

    eligible_from: dt.date | None = None
    identity_pending: bool = False
    no_longer_eligible: bool = False
    remaining_cents: int | None = None
    price_cents: int = 0


NOT_LOGGED_IN = Obstacle(
    "UNAUTHENTICATED",
    Reason.NOT_LOGGED_IN,
    "Connecte-toi",
    "Connecte-toi ou crée ton compte pour réserver avec ton pass Culture.",
)


def obstacle_for(code: str, facts: Facts) -> Obstacle:
    """The obstacle a refusal code stands for, in the words of the app."""
    if code == "NOT_A_BENEFICIARY":
        return Obstacle(
            code,
            Reason.NOT_A_BENEFICIARY,
            "Réservé aux jeunes",
            "La réservation est réservée aux jeunes bénéficiaires du pass Culture : ce compte n'en est pas un.",
        )
    if code == "NO_DEPOSIT":
        if facts.eligible_from is not None:
            return Obstacle(
                code,
                Reason.NOT_YET_ELIGIBLE,
                "Pas encore de crédit",
                f"Pas encore : tu pourras demander ton crédit pass Culture à partir du "
                f"{format_day(facts.eligible_from)}. Tu peux déjà regarder les séances.",
            )
        if facts.no_longer_eligible:
            return Obstacle(
                code,
                Reason.NO_LONGER_ELIGIBLE,
                "Sans crédit",
                "Tu n'as pas de crédit pass Culture et l'âge pour le demander est passé.",
            )
        if facts.identity_pending:
            return Obstacle(
                code,
                Reason.IDENTITY_PENDING,
                "Identité en vérification",
                "Ton identité est en cours de vérification : tu pourras réserver dès que ton crédit sera "
                "accordé.",
            )
        return Obstacle(
            code,
            Reason.IDENTITY_NOT_VERIFIED,
            "Identité à vérifier",
            "Fais vérifier ton identité pour recevoir ton crédit pass Culture, puis réserve.",
        )
    if code == "DEPOSIT_EXPIRED":
        return Obstacle(
            code,
            Reason.DEPOSIT_EXPIRED,
            "Crédit expiré",
            "Ton crédit pass Culture a expiré : tu ne peux plus réserver de séance payante. Les séances "
            "gratuites restent réservables.",
        )
    if code in ("INSUFFICIENT_CREDIT", "DIGITAL_CAP_REACHED"):
        left = (
            f"Il te reste {format_euros(facts.remaining_cents)}, la séance coûte "
            f"{format_euros(facts.price_cents)} : "
            if facts.remaining_cents is not None
            else ""
        )
        return Obstacle(
            code,
            Reason.INSUFFICIENT_CREDIT,
            "Crédit insuffisant",
            f"{left}ton crédit ne suffit pas pour cette séance. Choisis une séance moins chère ou gratuite.",
        )
    if code == "ALREADY_BOOKED":
        return Obstacle(
            code,
            Reason.ALREADY_BOOKED,
            "Déjà réservé",
            "Tu as déjà réservé ce film dans ce cinéma : retrouve ta place dans Mes réservations (annule-la "
            "si tu veux changer de séance).",
        )
    if code == "NOT_ENOUGH_PLACES":
        return Obstacle(code, Reason.SOLD_OUT, "Complet", "Cette séance est complète : choisis-en une autre.")
    if code in ("EVENT_STARTED", "BOOKING_LIMIT_PASSED"):
        return Obstacle(
            code,
            Reason.BOOKING_CLOSED,
            "Réservation close",
            "Les réservations sont closes pour cette séance : choisis-en une autre.",
        )
    return Obstacle(
        code, Reason.UNAVAILABLE, "Indisponible", "Cette séance n'est plus proposée : choisis-en une autre."
    )
