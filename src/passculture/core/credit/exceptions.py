from passculture.core.common.exceptions import DomainError


class NotEligible(DomainError):
    code = "NOT_ELIGIBLE"
    message = "Tu n'es pas éligible au pass Culture."


class NotYetEligible(NotEligible):
    code = "NOT_YET_ELIGIBLE"
    message = "Pas encore : le pass Culture est ouvert à partir de 18 ans."


class NoLongerEligible(NotEligible):
    code = "NO_LONGER_ELIGIBLE"
    message = "Tu n'es plus éligible : le pass Culture se demande à 18 ans."


class NoPolicyInForce(DomainError):
    code = "NO_CREDIT_POLICY"
    message = "Aucun crédit n'est ouvert à cette date pour cet âge."


class DepositAlreadyGranted(DomainError):
    code = "DEPOSIT_ALREADY_GRANTED"
    message = "Le crédit a déjà été attribué à ce bénéficiaire."


class NoDeposit(DomainError):
    code = "NO_DEPOSIT"
    message = "Tu n'as pas encore de crédit pass Culture : fais d'abord vérifier ton identité."


class DepositExpired(DomainError):
    code = "DEPOSIT_EXPIRED"
    message = (
        "Ton crédit pass Culture a expiré : tu ne peux plus réserver d'offre payante. "
        "Les séances gratuites restent réservables."
    )


class InsufficientCredit(DomainError):
    code = "INSUFFICIENT_CREDIT"
    message = "Le solde de ton pass Culture est insuffisant pour cette réservation."


class DigitalCapReached(DomainError):
    code = "DIGITAL_CAP_REACHED"
    message = "Le plafond des offres numériques de ton pass Culture est atteint."
