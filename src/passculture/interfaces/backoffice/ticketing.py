"""Ticketing providers in the back office: the providers' admin, their API keys (created here and shown
once), and the queue of the venues' link requests (activate, or refuse with a reason)."""

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from passculture.core.common.exceptions import DomainError
from passculture.core.providers.ticketing import keys, links, signing
from passculture.core.providers.ticketing.models import LinkStatus, Provider, VenueProviderLink

from .admin_base import ReadOnlyAdmin, StaffAdmin, waiting_filter


@admin.register(Provider)
class ProviderAdmin(StaffAdmin):
    list_display = ("name", "is_active", "created_at", "keys_link")
    list_filter = ("is_active",)
    search_fields = ("name",)
    fields = (
        "name",
        "is_active",
        "booking_url",
        "cancel_url",
        "notification_url",
        "signing_key_version",
        "signing_key_created_at",
        "keys_link",
    )
    readonly_fields = ("signing_key_version", "signing_key_created_at", "keys_link")

    @admin.display(description="Clés d'API")
    def keys_link(self, provider: Provider) -> str:
        if provider.pk is None:
            return "Enregistrez le logiciel pour lui créer des clés."
        url = reverse("backoffice:provider-keys", args=[provider.pk])
        return format_html('<a href="{}">Clés d\'API et secret de signature {}</a>', url, provider.name)

    def has_delete_permission(self, request, obj=None):
        return False  # a provider with links is deactivated, never deleted


HEALTH_FIELDS = ("last_call_at", "last_success_at", "error_count", "last_error", "last_error_at")
OVERRIDE_FIELDS = ("booking_url", "cancel_url", "notification_url")


@admin.register(VenueProviderLink)
class VenueProviderLinkAdmin(ReadOnlyAdmin):
    """Read-only but for the venue's own webhook URLs (each one replaces the provider's when set);
    shows the link's health; stops or resumes selling through it (decision 0029)."""

    list_display = (
        "venue",
        "provider",
        "venue_id_at_provider",
        "status",
        "is_selling",
        "last_call_at",
        "error_count",
        "created_at",
    )
    list_filter = (waiting_filter(links.pending_links, "à valider"), "status", "provider", "is_selling")
    search_fields = ("venue__name", "venue__siret", "venue_id_at_provider", "provider__name")
    list_select_related = ("venue", "provider")
    actions = ["stop_selected", "suspend_selling", "resume_selling"]
    fields = (
        "venue",
        "provider",
        "venue_id_at_provider",
        "status",
        "is_selling",
        *OVERRIDE_FIELDS,
        *HEALTH_FIELDS,
        "refusal_reason",
        "created_at",
        "decided_at",
    )

    def has_change_permission(self, request, obj=None):
        return StaffAdmin.has_change_permission(self, request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [name for name in self.fields if name not in OVERRIDE_FIELDS]

    def _set_selling(self, request, queryset, selling: bool) -> None:
        changed = 0
        for link in queryset.filter(status=LinkStatus.ACTIVE).select_related("venue"):
            links.set_selling(request.user, link, selling, as_staff=True)
            changed += 1
        messages.success(request, f"Liens {'repris' if selling else 'suspendus'} : {changed}.")

    @admin.action(description="Suspendre la vente par le logiciel (liens actifs sélectionnés)")
    def suspend_selling(self, request, queryset):
        self._set_selling(request, queryset, False)

    @admin.action(description="Reprendre la vente par le logiciel (liens actifs sélectionnés)")
    def resume_selling(self, request, queryset):
        self._set_selling(request, queryset, True)

    @admin.action(description="Arrêter les liens actifs sélectionnés")
    def stop_selected(self, request, queryset):
        stopped = 0
        for link in queryset.filter(status=LinkStatus.ACTIVE):
            links.stop_link(request.user, link)
            stopped += 1
        messages.success(request, f"Liens arrêtés : {stopped}.")


# --- API keys of a provider --------------------------------------------------------------------------


def _provider_or_404(provider_id: int) -> Provider:
    return get_object_or_404(Provider, pk=provider_id)


@never_cache  # the page showing a new key in clear must not be kept by the browser
@require_http_methods(["GET", "POST"])
@staff_member_required(login_url="admin:login")
def provider_keys(request, provider_id: int):
    provider = _provider_or_404(provider_id)
    created = None
    new_secret = None
    error = ""
    if request.method == "POST" and request.POST.get("action") == "rotate_secret":
        new_secret = signing.rotate_signing_secret(provider.pk, actor=request.user).clear_secret
        provider.refresh_from_db()
    elif request.method == "POST":
        try:
            created = keys.create_provider_key(
                provider.pk, actor=request.user, label=request.POST.get("label", "")
            )
        except DomainError as exc:
            error = exc.message
    context = {
        **admin.site.each_context(request),
        "title": f"Clés d'API · {provider.name}",
        "provider": provider,
        "keys": keys.keys_of_provider(provider.pk),
        "created": created,
        "new_secret": new_secret,
        "error": error,
        "label_max_length": keys.LABEL_MAX_LENGTH,
    }
    return render(request, "backoffice/provider_keys.html", context)


@require_POST
@staff_member_required(login_url="admin:login")
def provider_key_revoke(request, provider_id: int, key_id: int):
    provider = _provider_or_404(provider_id)
    if not keys.keys_of_provider(provider.pk).filter(pk=key_id).exists():
        raise Http404
    key = keys.revoke_provider_key(key_id, actor=request.user)
    messages.success(request, f"Clé {key.prefix} révoquée.")
    return redirect("backoffice:provider-keys", provider_id=provider.pk)


# --- Queue of link requests --------------------------------------------------------------------------


@staff_member_required(login_url="admin:login")
def link_queue(request):
    context = {
        **admin.site.each_context(request),
        "title": "Liens de billetterie à valider",
        "links": links.pending_links(),
    }
    return render(request, "backoffice/ticketing_links.html", context)


def _link_or_404(link_id: int) -> VenueProviderLink:
    link = links.link_of_id(link_id)
    if link is None:
        raise Http404
    return link


@require_POST
@staff_member_required(login_url="admin:login")
def link_activate(request, link_id: int):
    link = _link_or_404(link_id)
    try:
        links.activate_link(request.user, link)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Lien de « {link.venue.display_name} » avec {link.provider.name} activé.")
    return redirect("backoffice:ticketing-links")


@require_POST
@staff_member_required(login_url="admin:login")
def link_refuse(request, link_id: int):
    link = _link_or_404(link_id)
    try:
        links.refuse_link(request.user, link, request.POST.get("reason", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Lien de « {link.venue.display_name} » avec {link.provider.name} refusé.")
    return redirect("backoffice:ticketing-links")
