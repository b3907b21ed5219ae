"""Films in the back office: staff search them (title whatever the accents, Allociné id, visa), correct
one, or merge two records of the same film (its offers move to the one kept)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count
from django.template.response import TemplateResponse

from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import now as utcnow
from passculture.core.films.models import Film
from passculture.core.films.services import correct_film, merge_films, title_key
from passculture.core.films.validation import (
    FIRST_FILM_YEAR,
    MAX_DURATION_MINUTES,
    check_film_fields,
    normalise_visa,
)

from .admin_base import StaffAdmin


class FilmForm(forms.ModelForm):
    class Meta:
        model = Film
        fields = (
            "title",
            "year",
            "allocine_id",
            "visa",
            "original_title",
            "synopsis",
            "duration_minutes",
            "directors",
            "cast",
            "genres",
            "countries",
            "release_date",
            "allocine_url",
            "poster",
        )

    year = forms.IntegerField(label="Année", required=False, min_value=FIRST_FILM_YEAR, max_value=2200)
    duration_minutes = forms.IntegerField(
        label="Durée (minutes)", required=False, min_value=1, max_value=MAX_DURATION_MINUTES
    )
    allocine_url = forms.URLField(
        label="Page AlloCiné", required=False, assume_scheme="https", max_length=200
    )

    def clean(self):
        data = super().clean()
        try:
            check_film_fields(
                title=data.get("title") or "",
                year=data.get("year"),
                visa=normalise_visa(data.get("visa")),
                duration_minutes=data.get("duration_minutes"),
                synopsis=data.get("synopsis") or "",
                genres=data.get("genres") if isinstance(data.get("genres"), list) else [],
                today=utcnow().date(),
            )
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code.lower()) from error
        return data


@admin.register(Film)
class FilmAdmin(StaffAdmin):
    form = FilmForm
    list_display = ("title", "year", "visa", "allocine_id", "offer_count", "has_poster")
    list_filter = ("year",)
    search_fields = ("title", "original_title", "=visa", "=allocine_id")
    readonly_fields = ("title_key", "poster_source_url", "poster_fetched_at", "created_at", "updated_at")
    actions = ("merge_selected",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(offer_total=Count("offers"))

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        key = title_key(search_term)
        if key and results.model is Film:
            # "l ete dernier" finds "L'Été dernier": the title key is the folded title.
            results = results | queryset.filter(title_key__contains=key)
        return results, may_have_duplicates

    @admin.display(description="Offres", ordering="offer_total")
    def offer_count(self, film: Film) -> int:
        return getattr(film, "offer_total", 0)

    @admin.display(description="Affiche", boolean=True)
    def has_poster(self, film: Film) -> bool:
        return bool(film.poster)

    def save_model(self, request, obj, form, change):
        correct_film(obj, actor=request.user, changed=form.changed_data)

    @admin.action(description="Fusionner les films sélectionnés (leurs offres passent au film gardé)")
    def merge_selected(self, request, queryset):
        films = list(queryset.order_by("pk"))
        if len(films) < 2:
            messages.error(request, "Sélectionnez au moins deux films : celui à garder et ses doublons.")
            return None
        if request.POST.get("apply"):
            keep = next((film for film in films if str(film.pk) == request.POST.get("keep")), None)
            if keep is None:
                messages.error(request, "Choisissez le film à garder.")
            else:
                try:
                    moved = merge_films(keep, films, actor=request.user)
                except DomainError as error:
                    messages.error(request, error.message)
                else:
                    messages.success(
                        request,
                        f"{len(films) - 1} film(s) fusionné(s) dans « {keep} » : {moved} offre(s) déplacée(s).",
                    )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Fusionner des films",
            "films": films,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "backoffice/film_merge.html", context)
