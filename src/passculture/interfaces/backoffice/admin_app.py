"""Django's admin app, with the back office's site as its default site.

Apart from site.py: INSTALLED_APPS imports this module before any model can be, and the site's login
form needs models. Django imports `default_site` lazily, once the apps are ready."""

from django.contrib.admin.apps import AdminConfig
from django.templatetags.static import static
from django.utils.html import format_html

BOOLEAN_ICONS = {True: ("yes", "Oui"), False: ("no", "Non"), None: ("unknown", "Inconnu")}


def french_boolean_icon(value):
    """Django's yes/no icon, whose text is "True"/"False" in every language (not translated upstream)."""
    name, text = BOOLEAN_ICONS[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{name}.svg"), text)


class BackofficeAdminConfig(AdminConfig):
    default_site = "passculture.interfaces.backoffice.site.BackofficeSite"

    def ready(self):
        super().ready()
        from django.contrib.admin.templatetags import admin_list

        # Every list and read-only field calls it through this module (django/contrib/admin/utils.py,
        # helpers.py import it from here at call time).
        admin_list._boolean_icon = french_boolean_icon
