"""Staff's view of account deletion requests: the Django admin list (read-only), and its line on the
queues page with the requests still waiting for their anonymisation."""

from django.contrib import admin
from django.urls import reverse

from passculture.core.users.constants import DeletionStatus
from passculture.core.users.models import AccountDeletionRequest
from passculture.core.users.selectors import pending_deletion_requests
from passculture.core.users.services import anonymisation_due

from .admin_base import ReadOnlyAdmin


def queue_entry() -> dict:
    url = reverse("admin:users_accountdeletionrequest_changelist")
    return {
        "label": "Suppressions de compte en attente d'anonymisation",
        "url": f"{url}?status__exact={DeletionStatus.PENDING}",
        "count": pending_deletion_requests().count(),
    }


@admin.register(AccountDeletionRequest)
class AccountDeletionRequestAdmin(ReadOnlyAdmin):
    """Requests are made by the beneficiaries and carried out by the anonymisation job: staff read them.
    Undoing one (a stolen account) is a support decision taken on the user's page (reactivation)."""

    list_display = (
        "user_label",
        "status",
        "requested_at",
        "anonymisation_due",
        "cancelled_bookings",
        "kept_bookings",
        "anonymised_at",
    )
    list_filter = ("status",)
    search_fields = ("user__email", "user__last_name")
    list_select_related = ("user",)
    ordering = ("-requested_at", "-id")
    fields = list_display

    @admin.display(description="Compte")
    def user_label(self, obj: AccountDeletionRequest) -> str:
        return f"{obj.user.email} (#{obj.user_id})"

    @admin.display(description="Anonymisation à partir du")
    def anonymisation_due(self, obj: AccountDeletionRequest):
        return anonymisation_due(obj)
