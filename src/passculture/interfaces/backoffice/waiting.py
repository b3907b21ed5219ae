"""What waits for staff, queue by queue: the tiles of the back office's home and the queues page.
Each count is one bounded query of a core selector (core.common.counting); each links to the list
showing the same rows (a custom queue, or the admin list filtered on its waiting rows)."""

from dataclasses import dataclass

from django.urls import reverse

from passculture.core.common.counting import WAITING_COUNT_CAP
from passculture.core.finance.selectors import (
    count_bank_accounts_waiting,
    count_batches_to_send,
    count_payment_lines_in_error,
)
from passculture.core.identity.selectors import pending_check_count
from passculture.core.offerers.selectors import count_memberships_waiting, count_offerers_waiting
from passculture.core.providers.allocine.selectors import count_vanished_showtimes_waiting, failed_run_count
from passculture.core.providers.ticketing.links import count_links_waiting

from .admin_base import WAITING_PARAMETER, WAITING_VALUE


@dataclass(frozen=True)
class Queue:
    code: str
    label: str
    count: int
    url: str

    @property
    def shown_count(self) -> str:
        if self.count == 0:
            return "Rien en attente"
        if self.count > WAITING_COUNT_CAP:
            return f"Plus de {WAITING_COUNT_CAP}"
        return str(self.count)


def _waiting_list(admin_name: str) -> str:
    return f"{reverse(f'admin:{admin_name}_changelist')}?{WAITING_PARAMETER}={WAITING_VALUE}"


def waiting_queues() -> list[Queue]:
    return [
        Queue(
            "offerers", "Structures à valider", count_offerers_waiting(), reverse("backoffice:offerer-queue")
        ),
        Queue(
            "memberships",
            "Rattachements à valider",
            count_memberships_waiting(),
            reverse("backoffice:membership-queue"),
        ),
        Queue(
            "bank_accounts",
            "Coordonnées bancaires à vérifier",
            count_bank_accounts_waiting(),
            reverse("backoffice:bank-accounts"),
        ),
        Queue(
            "ticketing_links",
            "Liens de billetterie à valider",
            count_links_waiting(),
            reverse("backoffice:ticketing-links"),
        ),
        Queue(
            "identity_checks",
            "Vérifications d'identité à examiner",
            pending_check_count(),
            reverse("backoffice:identity-checks"),
        ),
        Queue(
            "allocine_vanished",
            "Séances réservées disparues d'AlloCiné",
            count_vanished_showtimes_waiting(),
            _waiting_list("allocine_allocinevanishedshowtime"),
        ),
        Queue(
            "allocine_failures",
            "Imports AlloCiné en échec ou partiels (7 derniers jours)",
            failed_run_count(),
            reverse("backoffice:allocine-imports"),
        ),
        Queue(
            "payment_errors",
            "Virements en erreur à payer de nouveau",
            count_payment_lines_in_error(),
            _waiting_list("finance_paymentline"),
        ),
        Queue(
            "payment_batches",
            "Lots de virements à envoyer",
            count_batches_to_send(),
            reverse("backoffice:payment-batches"),
        ),
    ]
