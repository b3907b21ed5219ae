"""The back office's admin site: Django's admin with its own login page and look, whose sign-in goes
through the same throttled authentication as every other login (core.users.throttling).

Installed as the default admin site by `admin_app.BackofficeAdminConfig` (INSTALLED_APPS), so
`admin.site` and every `@admin.register` use it.
"""

from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables

from passculture.core.common.exceptions import DomainError, ServiceUnavailable
from passculture.core.users import throttling
from passculture.core.users.exceptions import RateLimited
from passculture.core.users.validation import check_backoffice_access
from passculture.interfaces.errors import status_for
from passculture.interfaces.http import client_ip, with_retry_after


class BackofficeLoginForm(AdminAuthenticationForm):
    """Django's admin login form, checking the password through `authenticate_throttled`: the same
    per-account and per-address limits, French message and audit entry as the other logins."""

    # A refusal that is not about the password (too many attempts, the limits' store down): its own
    # message and status, as on the other logins.
    refusal: RateLimited | ServiceUnavailable | None = None

    @sensitive_variables()
    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = throttling.authenticate_throttled(
                    username,
                    password,
                    client=client_ip(self.request, "unknown"),
                    # Staff only, answered like a wrong password; staff accounts need no confirmed
                    # email here, as before.
                    require=check_backoffice_access,
                    require_validated_email=False,
                )
            except (RateLimited, ServiceUnavailable) as error:
                self.refusal = error
                raise ValidationError(error.message, code=error.code.lower()) from None
            except DomainError:
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


@admin.action(permissions=["delete"], description="Supprimer la sélection")
def delete_selection(modeladmin, request, queryset):
    """Django's bulk delete, named without agreeing with the model's name: Django's French writes
    "Supprimer les structures sélectionnés"."""
    return delete_selected(modeladmin, request, queryset)


class BackofficeSite(admin.AdminSite):
    login_form = BackofficeLoginForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_action(delete_selection, "delete_selected")

    def index(self, request, extra_context=None):
        """The home: what waits in each queue first (interfaces/backoffice/waiting.py), then the models."""
        from .waiting import waiting_queues  # after the apps are ready: it reads models

        return super().index(request, {"waiting": waiting_queues(), **(extra_context or {})})

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        error = getattr(form, "refusal", None)
        if error is not None:
            response.status_code = status_for(error)
            with_retry_after(response, error)
        return response
