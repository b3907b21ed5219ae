"""The base classes of the back office's model admins: staff see and edit everything, the search box is
bounded, and the titles Django builds from a model's name read as French ("Modification d'offre", not
"Modification de offre"; a list is titled "Offres")."""

import re

from django.contrib import admin, messages
from django.db import models
from django.utils.text import capfirst

from passculture.core.common.text import of_name

# A longer search is a typo or an attack, and SQLite refuses LIKE patterns past 50,000 bytes. (The search
# box is a form field: NUL and control characters are already refused there, interfaces/inputs.py.)
SEARCH_MAX_LENGTH = 200
SEARCH_REFUSED = f"Recherche refusée : {SEARCH_MAX_LENGTH} caractères au plus. Aucun résultat n'est affiché."


class CheckedSearch:
    """The search box of every admin list (ours, and those of Django's and django-dsfr's models, which
    are registered again with it at the end of this module)."""

    def get_search_results(self, request, queryset, search_term):
        if len(search_term) > SEARCH_MAX_LENGTH:
            messages.error(request, SEARCH_REFUSED)
            return queryset.none(), False
        return super().get_search_results(request, queryset, search_term)


# Django's French titles put "de" before the model's name without eliding it ("Ajout de offre").
_TITLE = re.compile(r"^(Ajout|Modification|Affichage) de (.+)$")


def french_title(title: str) -> str:
    return _TITLE.sub(lambda match: f"{match[1]} {of_name(match[2])}", str(title))


class NamedValuesFilter(admin.AllValuesFieldListFilter):
    """Django's filter on a field's values, naming the empty value (a link without text otherwise)."""

    def choices(self, changelist):
        for choice in super().choices(changelist):
            yield {**choice, "display": "(vide)"} if choice["display"] == "" else choice


# Django writes "Ajouter structure": French wants the article, and the article the noun's gender.
_FEMININE = {
    "offerers.offerer",
    "offers.offer",
    "offers.stock",
    "bookings.booking",
    "allocine.allocinevenuesettings",
    "allocine.allocinevanishedshowtime",
    "jobs.jobrun",
    "common.auditlog",
    "users.accountdeletionrequest",
    "finance.paymentline",
}
# (ticketing.provider and ticketing.venueproviderlink are masculine: "un logiciel", "un lien".)
_PLURAL = {"finance.bankaccount"}


def add_label(opts) -> str:
    """ "Ajouter une structure", "Ajouter un film", "Ajouter des coordonnées bancaires"."""
    label = opts.label_lower
    article = "des" if label in _PLURAL else "une" if label in _FEMININE else "un"
    return f"Ajouter {article} {opts.verbose_name}"


class FrenchTitles:
    """A list is titled by what it lists ("Structures", not "Sélectionnez l'objet structure à
    changer"), a form by what it does to it ("Modification d'offre")."""

    def changelist_view(self, request, extra_context=None):
        title = capfirst(self.model._meta.verbose_name_plural)
        context = {"title": title, "add_label": add_label(self.model._meta), **(extra_context or {})}
        return super().changelist_view(request, context)

    def render_change_form(self, request, context, *args, **kwargs):
        context["title"] = french_title(context.get("title", ""))
        context["add_label"] = add_label(self.model._meta)
        return super().render_change_form(request, context, *args, **kwargs)


class StaffAdmin(FrenchTitles, CheckedSearch, admin.ModelAdmin):
    """Staff (is_staff) may see and edit everything, without per-model permissions to maintain."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _is_staff(self, request) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request):
        return self._is_staff(request)

    def has_view_permission(self, request, obj=None):
        return self._is_staff(request)

    def has_add_permission(self, request):
        return self._is_staff(request)

    def has_change_permission(self, request, obj=None):
        return self._is_staff(request)

    def has_delete_permission(self, request, obj=None):
        return self._is_staff(request)


class ReadOnlyAdmin(StaffAdmin):
    """Logs: consulted, never written from the back office."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def waiting_filter(waiting, label: str) -> type[admin.SimpleListFilter]:
    """A list filter keeping the rows of `waiting()` (a core selector's queryset): the list a home tile
    links to (`?a_traiter=oui`) shows what the tile counts, by the same rule."""

    class WaitingFilter(admin.SimpleListFilter):
        parameter_name = WAITING_PARAMETER

        def lookups(self, request, model_admin):
            return [(WAITING_VALUE, capfirst(label))]

        def queryset(self, request, queryset):
            if self.value() == WAITING_VALUE:
                return queryset.filter(pk__in=waiting().values("pk"))
            return queryset

    WaitingFilter.title = "file d'attente"  # Django writes "Par file d'attente"
    return WaitingFilter


WAITING_PARAMETER = "a_traiter"
WAITING_VALUE = "oui"
