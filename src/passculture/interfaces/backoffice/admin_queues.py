"""Read-only lists behind two home tiles: booked showtimes that vanished from Allociné (the pros act on
them; staff follow) and transfers in error waiting to be paid again."""

from django.contrib import admin

from passculture.core.common.money import format_euros
from passculture.core.finance.models import PaymentLine
from passculture.core.finance.selectors import payment_lines_in_error
from passculture.core.providers.allocine.models import AllocineVanishedShowtime
from passculture.core.providers.allocine.selectors import vanished_showtimes_waiting

from .admin_base import ReadOnlyAdmin, waiting_filter
from .payments import masked_iban


@admin.register(AllocineVanishedShowtime)
class AllocineVanishedShowtimeAdmin(ReadOnlyAdmin):
    list_display = ("stock", "venue", "detected_at", "acknowledged_at", "resolved_at")
    list_filter = (waiting_filter(vanished_showtimes_waiting, "en attente du lieu"),)
    search_fields = ("venue__name", "venue__siret", "stock__offer__name")
    list_select_related = ("venue", "stock__offer")
    date_hierarchy = "detected_at"


@admin.register(PaymentLine)
class PaymentLineAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "batch", "venue", "amount", "status", "error_reason", "errored_at")
    list_filter = (waiting_filter(payment_lines_in_error, "à payer de nouveau"), "status")
    search_fields = ("venue__name", "venue__siret", "creditor")
    list_select_related = ("batch", "venue")
    # The IBAN masked, as on the batch page.
    fields = (
        "batch",
        "venue",
        "creditor",
        "iban_end",
        "bic",
        "amount",
        "booking_count",
        "status",
        "error_reason",
        "errored_at",
        "retried_in",
    )
    readonly_fields = fields

    @admin.display(description="Montant", ordering="amount_cents")
    def amount(self, line: PaymentLine) -> str:
        return format_euros(line.amount_cents)

    @admin.display(description="IBAN")
    def iban_end(self, line: PaymentLine) -> str:
        return masked_iban(line.iban)
