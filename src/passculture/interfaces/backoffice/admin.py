"""The back office: Django's admin at /backoffice/, for pass Culture staff.

Access: any active user with `is_staff` (staff accounts get it from their role) sees and edits every
model; there are no finer staff roles yet, except that only superusers grant privileges (role, staff,
superuser, groups, permissions), set another user's password or edit another staff account, and
every such change is in the audit log. Fields that carry a domain invariant (amounts spent, booked
quantities, booking states, offerer and membership decisions) are read-only here: they change only
through the core services, which the admin actions below call. The email outbox is read-only.
"""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse

from passculture.core.bookings.constants import CancellationReason
from passculture.core.bookings.models import Booking, CounterAttempt
from passculture.core.bookings.services import CounterActor, cancel_booking_by_offerer
from passculture.core.common.audit import log_action
from passculture.core.common.exceptions import DomainError
from passculture.core.common.models import AuditLog
from passculture.core.common.money import format_euros
from passculture.core.credit.models import CreditPolicy, Deposit
from passculture.core.finance.models import BankAccount
from passculture.core.jobs.models import JobRun
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.models import Membership, Offerer, Venue
from passculture.core.offerers.services import (
    reject_membership,
    reject_offerer,
    validate_membership,
    validate_pending_offerer,
)
from passculture.core.offers.models import Offer, Stock
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVenueSettings,
)
from passculture.core.users.models import User

from .admin_base import CheckedSearch, FrenchTitles, NamedValuesFilter, ReadOnlyAdmin, StaffAdmin

admin.site.site_header = "pass Culture · back office"
admin.site.index_template = "backoffice/index.html"
admin.site.site_title = "Back office pass Culture"
admin.site.index_title = "Administration"


def _euros(cents: int | None) -> str:
    return "" if cents is None else format_euros(cents)


# --- Users ----------------------------------------------------------------------------------------


PRIVILEGED_USER_FIELDS = ("role", "is_staff", "is_superuser", "groups", "user_permissions")


def _audit_value(value):
    if hasattr(value, "__iter__") and not isinstance(value, str):
        return sorted(str(getattr(item, "pk", item)) for item in value)
    return value


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(StaffAdmin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_email_validated", "is_staff", "is_active")
    list_filter = ("role", "is_email_validated", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name", "phone_number")
    readonly_fields = ("last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Identité",
            {"fields": ("first_name", "last_name", "birth_date", "phone_number", "postal_code", "city")},
        ),
        (
            "Rôle et accès",
            {"fields": ("role", "is_email_validated", "is_active", "is_staff", "is_superuser")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )
    filter_horizontal = ()

    # Staff who are not superusers run the back office but do not hand out its keys: a role, a staff
    # flag or a password set here would let one staff member become another, or a superuser.
    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        return fields + tuple(name for name in PRIVILEGED_USER_FIELDS if name not in fields)

    def _guards_privileged_account(self, request, obj) -> bool:
        """Another staff or superuser account: only superusers touch it (its email leads to its password)."""
        return (
            obj is not None
            and not request.user.is_superuser
            and obj.pk != request.user.pk
            and (obj.is_staff or obj.is_superuser)
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._guards_privileged_account(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._guards_privileged_account(
            request, obj
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            # The bulk delete checks no object: it would reach the accounts guarded above.
            actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        changed = set(form.changed_data) if change else set()
        if not request.user.is_superuser and changed & set(PRIVILEGED_USER_FIELDS):
            raise PermissionDenied  # the form has them read-only; a crafted POST must not get through either
        super().save_model(request, obj, form, change)
        if not change:
            log_action("user.created_in_backoffice", actor=request.user, target=obj)
            return
        privileges = {
            name: [_audit_value(form.initial.get(name)), _audit_value(form.cleaned_data.get(name))]
            for name in PRIVILEGED_USER_FIELDS
            if name in changed
        }
        others = sorted(changed - set(PRIVILEGED_USER_FIELDS))
        if privileges:
            log_action(
                "user.privileges_changed",
                actor=request.user,
                target=obj,
                data={"changes": privileges, "other_fields": others},
            )
        elif others:
            log_action("user.changed_in_backoffice", actor=request.user, target=obj, data={"fields": others})

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if user is not None and not request.user.is_superuser and user.pk != request.user.pk:
            raise PermissionDenied
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and user is not None:
            log_action("user.password_set_in_backoffice", actor=request.user, target=user)
        return response


# --- Offerers -------------------------------------------------------------------------------------


class VenueInline(admin.TabularInline):
    model = Venue
    fields = ("name", "siret", "city", "timezone", "validation_status")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class MembershipInline(admin.TabularInline):
    """Who belongs to the offerer; decisions on requests are the membership list's actions."""

    model = Membership
    fields = ("user", "role", "validation_status")
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


def _decide_each(modeladmin, request, queryset, decide, done: str) -> None:
    """Runs one core service per selected row: each decision is locked, logged and notified there."""
    decided = 0
    for obj in queryset:
        try:
            decide(obj)
        except DomainError as error:
            modeladmin.message_user(request, f"{obj} : {error.message}", messages.ERROR)
        else:
            decided += 1
    if decided:
        modeladmin.message_user(request, f"{decided} {done}", messages.SUCCESS)


@admin.register(Offerer)
class OffererAdmin(StaffAdmin):
    list_display = (
        "name",
        "siren",
        "city",
        "validation_status",
        "registry_status",
        "validated_at",
        "created_at",
    )
    list_filter = ("validation_status", "registry_status")
    search_fields = ("name", "siren", "city")
    # What the company registry answered at sign-up: evidence, never edited. The status changes only
    # through the actions (or the queue), whose services lock the row, log and tell the offerer.
    readonly_fields = ("validation_status", "validated_at", "created_at", "registry_status", "registry_data")
    inlines = (VenueInline, MembershipInline)
    actions = ("validate_selected", "reject_selected")

    @admin.action(description="Valider les structures sélectionnées")
    def validate_selected(self, request, queryset):
        _decide_each(
            self,
            request,
            queryset,
            lambda offerer: validate_pending_offerer(offerer.pk, actor=request.user),
            "structure(s) validée(s).",
        )

    @admin.action(description="Rejeter les structures sélectionnées (motif demandé)")
    def reject_selected(self, request, queryset):
        reason = (request.POST.get("reason") or "").strip()
        if "apply" not in request.POST or not reason:
            context = {
                **self.admin_site.each_context(request),
                "title": "Rejeter des structures",
                "offerers": queryset,
                "missing_reason": "apply" in request.POST,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(request, "backoffice/reject_offerers.html", context)
        _decide_each(
            self,
            request,
            queryset,
            lambda offerer: reject_offerer(offerer.pk, actor=request.user, reason=reason),
            "structure(s) rejetée(s).",
        )
        return None


@admin.register(Venue)
class VenueAdmin(StaffAdmin):
    list_display = (
        "name",
        "offerer",
        "city",
        "postal_code",
        "department_code",
        "timezone",
        "siret",
        "validation_status",
    )
    list_filter = ("validation_status", "booking_notification", "timezone", "department_code")
    search_fields = ("name", "public_name", "siret", "city", "offerer__name", "offerer__siren")
    list_select_related = ("offerer",)
    raw_id_fields = ("offerer",)
    readonly_fields = ("created_at",)


@admin.register(Membership)
class MembershipAdmin(StaffAdmin):
    """Who may act for an offerer: decided through the actions (services log and notify), never typed."""

    list_display = ("user", "offerer", "role", "validation_status", "created_at")
    list_filter = ("role", "validation_status")
    search_fields = ("user__email", "offerer__name", "offerer__siren")
    list_select_related = ("user", "offerer")
    readonly_fields = ("user", "offerer", "role", "validation_status", "created_at")
    actions = ("validate_selected", "reject_selected")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Accepter les rattachements sélectionnés")
    def validate_selected(self, request, queryset):
        _decide_each(
            self,
            request,
            queryset,
            lambda membership: validate_membership(membership.pk, actor=request.user),
            "rattachement(s) accepté(s).",
        )

    @admin.action(description="Refuser les rattachements sélectionnés")
    def reject_selected(self, request, queryset):
        _decide_each(
            self,
            request,
            queryset,
            lambda membership: reject_membership(membership.pk, actor=request.user),
            "rattachement(s) refusé(s).",
        )


# --- Offers ---------------------------------------------------------------------------------------


@admin.register(Offer)
class OfferAdmin(StaffAdmin):
    list_display = ("name", "venue", "category", "is_duo", "is_active", "created_at")
    list_filter = ("category", "is_active", "is_duo")
    search_fields = ("name", "venue__name", "venue__city")
    list_select_related = ("venue",)
    raw_id_fields = ("venue",)
    readonly_fields = ("created_at", "updated_at")


@admin.register(Stock)
class StockAdmin(StaffAdmin):
    list_display = (
        "offer",
        "venue",
        "beginning_datetime",
        "version",
        "price",
        "quantity",
        "booked_quantity",
        "is_deleted",
    )
    list_filter = ("is_deleted", "version")
    search_fields = ("offer__name", "offer__venue__name")
    date_hierarchy = "beginning_datetime"
    list_select_related = ("offer__venue",)
    raw_id_fields = ("offer",)
    # Bookings move it under a row lock; an edit here would let a stock oversell.
    readonly_fields = ("booked_quantity", "created_at", "updated_at")

    @admin.display(description="Lieu", ordering="offer__venue__name")
    def venue(self, stock: Stock):
        return stock.offer.venue

    @admin.display(description="Prix", ordering="price_cents")
    def price(self, stock: Stock) -> str:
        return _euros(stock.price_cents)


# --- Credit ---------------------------------------------------------------------------------------


@admin.register(CreditPolicy)
class CreditPolicyAdmin(StaffAdmin):
    list_display = (
        "code",
        "label",
        "age",
        "valid_from",
        "valid_until",
        "amount",
        "validity_years",
        "expires_at_age",
        "is_active",
    )
    list_filter = ("is_active", "age")
    search_fields = ("code", "label")

    @admin.display(description="Montant", ordering="amount_cents")
    def amount(self, policy: CreditPolicy) -> str:
        return _euros(policy.amount_cents)


@admin.register(Deposit)
class DepositAdmin(StaffAdmin):
    list_display = ("user", "policy", "amount", "spent", "granted_at", "expires_at")
    list_filter = ("policy",)
    search_fields = ("user__email", "user__last_name")
    date_hierarchy = "granted_at"
    list_select_related = ("user", "policy")
    raw_id_fields = ("user",)
    # Amounts are debited and refunded by bookings under the deposit's row lock.
    readonly_fields = (
        "amount_cents",
        "digital_cap_cents",
        "physical_cap_cents",
        "spent_cents",
        "digital_spent_cents",
    )

    @admin.display(description="Montant", ordering="amount_cents")
    def amount(self, deposit: Deposit) -> str:
        return _euros(deposit.amount_cents)

    @admin.display(description="Dépensé", ordering="spent_cents")
    def spent(self, deposit: Deposit) -> str:
        return _euros(deposit.spent_cents)

    def has_delete_permission(self, request, obj=None):
        return False


# --- Bookings -------------------------------------------------------------------------------------


@admin.register(Booking)
class BookingAdmin(StaffAdmin):
    list_display = ("token", "user", "offer", "venue", "status", "quantity", "total", "booked_at", "used_at")
    list_filter = ("status", "cancellation_reason", "is_digital")
    search_fields = ("token", "user__email", "offer__name", "venue__name")
    date_hierarchy = "booked_at"
    list_select_related = ("user", "offer", "venue")
    actions = ("cancel_by_support",)
    # A booking changes state only through the services (credit, places and emails go with it).
    readonly_fields = tuple(
        field.name for field in Booking._meta.get_fields() if field.concrete and not field.auto_created
    )

    @admin.display(description="Total", ordering="amount_cents")
    def total(self, booking: Booking) -> str:
        return _euros(booking.total_amount_cents)

    @admin.action(description="Annuler les réservations sélectionnées (support)")
    def cancel_by_support(self, request, queryset):
        cancelled = 0
        for booking in queryset:
            actor = CounterActor(
                offerer_ids={booking.offerer_id}, user=request.user, label=request.user.email
            )
            try:
                cancel_booking_by_offerer(actor, booking.pk, reason=CancellationReason.BACKOFFICE)
            except DomainError as error:
                self.message_user(request, f"{booking.token} : {error.message}", messages.ERROR)
            else:
                cancelled += 1
        if cancelled:
            self.message_user(request, f"{cancelled} réservation(s) annulée(s).", messages.SUCCESS)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CounterAttempt)
class CounterAttemptAdmin(ReadOnlyAdmin):
    list_display = ("token", "action", "result", "error_code", "actor_label", "device", "created_at")
    list_filter = ("result", "action")
    search_fields = ("token", "actor_label", "error_code")
    date_hierarchy = "created_at"


# --- Finance --------------------------------------------------------------------------------------


@admin.register(BankAccount)
class BankAccountAdmin(StaffAdmin):
    """Consulted here; decided in the queue (backoffice:bank-accounts), whose services log and notify."""

    list_display = (
        "venue",
        "holder",
        "formatted_iban",
        "bic",
        "status",
        "submitted_at",
        "decided_at",
        "archived_at",
    )
    list_filter = ("status", ("archived_at", admin.EmptyFieldListFilter))
    search_fields = (
        "venue__name",
        "venue__siret",
        "venue__offerer__name",
        "venue__offerer__siren",
        "holder",
        "iban",
    )
    list_select_related = ("venue",)
    readonly_fields = tuple(
        field.name for field in BankAccount._meta.get_fields() if field.concrete and not field.auto_created
    )

    @admin.display(description="IBAN", ordering="iban")
    def formatted_iban(self, account: BankAccount) -> str:
        return account.formatted_iban

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AllocineTheater)
class AllocineTheaterAdmin(ReadOnlyAdmin):
    """Changed only by the CSV import (backoffice:allocine-theaters), which is audited."""

    list_display = ("siret", "theater_id", "internal_id", "is_active", "updated_at", "imported_by")
    list_filter = ("is_active",)
    search_fields = ("siret", "theater_id", "internal_id")
    list_select_related = ("imported_by",)


@admin.register(AllocineVenueSettings)
class AllocineVenueSettingsAdmin(StaffAdmin):
    list_display = ("venue", "theater", "price_cents", "quantity", "is_duo", "is_active", "last_synced_at")
    list_filter = ("is_active", "is_duo")
    search_fields = ("venue__name", "venue__siret", "theater__theater_id")
    list_select_related = ("venue", "theater")
    raw_id_fields = ("venue", "theater")
    readonly_fields = ("created_at", "updated_at", "last_synced_at")


@admin.register(AllocineImportRun)
class AllocineImportRunAdmin(ReadOnlyAdmin):
    list_display = (
        "started_at",
        "venue",
        "status",
        "films_seen",
        "offers_created",
        "offers_updated",
        "showtimes_created",
        "showtimes_updated",
        "showtimes_deleted",
        "posters_failed",
    )
    list_filter = ("status",)
    search_fields = ("venue__name", "venue__siret")
    list_select_related = ("venue",)
    date_hierarchy = "started_at"


# --- Logs, emails, jobs ---------------------------------------------------------------------------


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "actor_label", "target_type", "target_id")
    list_filter = ("target_type",)
    search_fields = ("action", "actor_label", "target_id")
    date_hierarchy = "created_at"


HIDDEN_BODY = "(masqué : contient un lien de connexion)"


@admin.register(OutboxEmail)
class OutboxEmailAdmin(ReadOnlyAdmin):
    """Consulted only: editing a recipient or a body would send staff's words in pass Culture's name,
    and an account email's bodies hold a sign-in link, never shown (the outbox wipes them once sent)."""

    list_display = ("subject", "kind", "recipients", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("subject", "kind", "related_id")
    date_hierarchy = "created_at"
    fields = (
        "kind",
        "status",
        "recipients",
        "reply_to",
        "from_email",
        "subject",
        "text",
        "html",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "related_type",
        "related_id",
    )
    readonly_fields = fields

    @admin.display(description="Destinataires")
    def recipients(self, email: OutboxEmail) -> str:
        return ", ".join(email.to or [])

    @admin.display(description="Texte")
    def text(self, email: OutboxEmail) -> str:
        return HIDDEN_BODY if email.hides_body else email.text_body

    @admin.display(description="HTML (source)")
    def html(self, email: OutboxEmail) -> str:
        return HIDDEN_BODY if email.hides_body else email.html_body


@admin.register(JobRun)
class JobRunAdmin(StaffAdmin):
    list_display = ("name", "last_started_at", "last_finished_at", "last_status", "lease_until")
    list_filter = (("last_status", NamedValuesFilter),)
    search_fields = ("name",)
    readonly_fields = ("last_started_at", "last_finished_at", "last_status", "last_error", "last_result")


# Registers the admins of account deletion requests, of films and of the queues' lists.
from . import account_deletions, admin_queues, films, ticketing  # noqa: E402, F401


def _https_urls(admin_class: type, *mixins: type) -> type:
    """`admin_class` (and its inlines) with the https default of URL fields that ours have (Django 6's;
    5.2 warns for each form without it)."""
    return type(
        admin_class.__name__,
        (*mixins, admin_class),
        {
            "__module__": __name__,
            "formfield_overrides": {**admin_class.formfield_overrides, **StaffAdmin.formfield_overrides},
            "inlines": [_https_urls(inline) for inline in getattr(admin_class, "inlines", [])],
        },
    )


# Models registered by other apps are not back-office pages: staff rights come from the staff role, not
# Django's groups, and django-dsfr's settings are the code's. Their admin pages (in English, with inline
# styles the CSP refuses) are gone; any other app's model gets the checked search.
for _model, _model_admin in list(admin.site._registry.items()):
    if _model._meta.label in ("auth.Group", "dsfr.DsfrConfig"):
        admin.site.unregister(_model)
    elif not isinstance(_model_admin, CheckedSearch):
        admin.site.unregister(_model)
        admin.site.register(_model, _https_urls(type(_model_admin), FrenchTitles, CheckedSearch))
