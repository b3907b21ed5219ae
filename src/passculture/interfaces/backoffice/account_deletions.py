"""Staff's view of account deletion requests: the Django admin list (read-only), and its line on the
queues page with the requests still waiting for their anonymisation."""

from django.contrib import admin
from django.urls import reverse

from passculture.core.users.constants import DeletionStatus
from passculture.core.users.models import AccountDeletionRequest
from passculture.core.users.selectors import pending_deletion_requests
from passculture.core.users.services import anonymisation_due


def queue_entry() -> dict:
    url = reverse("admin:users_accountdeletionrequest_changelist")
    return {
        "label": "Suppressions de compte en attente d'anonymisation",
        "url": f"{url}?status__exact={DeletionStatus.PENDING}",
        "count": pending_deletion_requests().count(),
    }


@admin.register(AccountDeletionRequest)
class AccountDeletionRequestAdmin(admin.ModelAdmin):
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

    def _is_staff(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request):
        return self._is_staff(request)

    def has_view_permission(self, request, obj=None):
        return self._is_staff(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
