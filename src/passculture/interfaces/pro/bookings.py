"""The pro's bookings: a filtered, paginated list and its CSV / XLSX exports."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.exports import export_bookings
from passculture.core.bookings.selectors import BookingFilters, DateKind, bookings_for_offerers
from passculture.core.common.exports import iter_csv_bytes, write_xlsx
from passculture.core.offerers.selectors import venues_of_offerers
from passculture.core.offers.selectors import offers_of_offerers

from .access import pro_required

PAGE_SIZE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class VenueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class BookingFilterForm(forms.Form):
    date_kind = forms.ChoiceField(
        label="Période portant sur",
        choices=[(DateKind.BOOKING, "la date de réservation"), (DateKind.EVENT, "la date de la séance")],
        widget=forms.RadioSelect,
        required=False,
        initial=DateKind.BOOKING,
    )
    date_from = forms.DateField(
        label="Du", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label="Au", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    venue = VenueChoiceField(label="Lieu", queryset=None, required=False, empty_label="Tous les lieux")
    offer = forms.ModelChoiceField(
        label="Offre", queryset=None, required=False, empty_label="Toutes les offres"
    )
    status = forms.ChoiceField(
        label="Statut", choices=[("", "Tous les statuts"), *BookingStatus.choices], required=False
    )

    def __init__(self, *args, offerer_ids, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the current offerer's venues and offers are valid choices: another offerer's id is a form error.
        self.fields["venue"].queryset = venues_of_offerers(offerer_ids)
        self.fields["offer"].queryset = offers_of_offerers(offerer_ids)
        for name in ("date_from", "date_to"):
            self.fields[name].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
            self.fields[name].error_messages["invalid"] = "Saisissez une date valide (JJ/MM/AAAA)."

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first > last:
            self.add_error("date_to", "La date de fin doit être postérieure ou égale à la date de début.")
        return cleaned

    def to_filters(self) -> BookingFilters:
        data = self.cleaned_data
        return BookingFilters(
            date_kind=data.get("date_kind") or DateKind.BOOKING,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            venue_id=data["venue"].pk if data.get("venue") else None,
            offer_id=data["offer"].pk if data.get("offer") else None,
            status=data.get("status") or None,
        )


def _filter_form(request) -> BookingFilterForm:
    data = request.GET.copy()
    data.pop("page", None)
    return BookingFilterForm(data or None, offerer_ids=[request.pro.current_id])


def _render_list(request, form, page_obj=None, status=200):
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "pro/bookings/list.html",
        {
            "title": "Réservations",
            "form": form,
            "page_obj": page_obj,
            "query": query.urlencode(),
            "is_filtered": form is not None and form.is_bound,
        },
        status=status,
    )


@pro_required
def booking_list(request):
    if request.pro.current is None:
        return _render_list(request, None)
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return _render_list(request, form, status=400)
    filters = form.to_filters() if form.is_bound else BookingFilters()
    paginator = Paginator(bookings_for_offerers([request.pro.current_id], filters), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    # django-dsfr's pagination shows numbered links only when the page carries this list.
    page_obj.pages_list = list(paginator.get_elided_page_range(page_obj.number, on_each_side=2, on_ends=1))
    return _render_list(request, form, page_obj)


def _export(request, fmt: str):
    if request.pro.current is None:
        raise Http404
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return _render_list(request, form, status=400)
    filters = form.to_filters() if form.is_bound else BookingFilters()
    export = export_bookings(request.user, request.pro.current, filters, fmt)
    disposition = f'attachment; filename="{export.filename}"'
    if fmt == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            iter_csv_bytes(export.columns, export.rows),
            content_type="text/csv; charset=utf-8",
        )
    else:
        content = write_xlsx(export.columns, export.rows, sheet_title="Réservations")
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = disposition
    return response


@pro_required
def export_csv(request):
    return _export(request, "csv")


@pro_required
def export_xlsx(request):
    return _export(request, "xlsx")
