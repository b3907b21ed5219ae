"""Django's admin app, with the back office's site as its default site.

Apart from site.py: INSTALLED_APPS imports this module before any model can be, and the site's login
form needs models. Django imports `default_site` lazily, once the apps are ready."""

from django.contrib.admin.apps import AdminConfig


class BackofficeAdminConfig(AdminConfig):
    default_site = "passculture.interfaces.backoffice.site.BackofficeSite"
