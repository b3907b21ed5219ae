"""Every form field of every page refuses forbidden characters and out-of-bounds dates with a French field
error (interfaces/inputs.py): Django's own forms (the admin's) as much as ours. NUL matters most on
PostgreSQL, which cannot store it: this module runs there too."""

import datetime as dt

import pytest
from django import forms
from django.test import Client

from passculture.core.offerers.models import ApiKey
from passculture.core.offers.factories import OfferFactory
from passculture.core.offers.models import Offer
from passculture.core.users.factories import StaffFactory

pytestmark = pytest.mark.django_db
REFUSED = "Ce champ contient des caractères non autorisés."


class EveryKindOfField(forms.Form):
    name = forms.CharField(required=False)
    description = forms.CharField(required=False, widget=forms.Textarea)
    email = forms.EmailField(required=False)
    data = forms.JSONField(required=False)
    day = forms.DateField(required=False)
    moment = forms.DateTimeField(required=False)
    split = forms.SplitDateTimeField(required=False)


def errors(**data) -> dict:
    form = EveryKindOfField(data)
    form.is_valid()
    return form.errors


@pytest.mark.parametrize("value", ["a\x00b", "\x1b[2J", "a\x85b", "\u202eplh", "deux\nlignes"])
def test_single_line_text_refuses_control_and_bidi_characters(value):
    assert errors(name=value) == {"name": [REFUSED]}


def test_multi_line_text_accepts_line_breaks_and_refuses_nul():
    assert errors(description="ligne 1\r\nligne 2\tfin") == {}
    assert errors(description="a\x00b") == {"description": [REFUSED]}


def test_emails_and_json_are_text_too():
    assert errors(email="lea\u202e@example.com") == {"email": [REFUSED]}
    assert errors(data='{"titre": "\\u0000"}') == {"data": [REFUSED]}


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_dates_outside_the_input_bounds_are_refused(value):
    refused = errors(day=value, moment=f"{value} 20:30", split_0=value, split_1="20:30")
    assert set(refused) == {"day", "moment", "split"}
    assert refused["day"] == ["Indiquez une date entre le 1er janvier 1900 et le 31 décembre 2100."]


def test_letters_emoji_and_dates_in_bounds_are_accepted():
    assert errors(name="Amélie 🎬 مرحبا", day="2026-03-10", moment="2026-03-10 20:30") == {}


def test_an_admin_form_refuses_nul_with_a_field_error():
    offer = OfferFactory(name="Avant")
    client = Client(raise_request_exception=False)
    client.force_login(StaffFactory())
    data = {"venue": offer.venue_id, "name": "Ap\x00rès", "category": offer.category, "languages": "[]"}

    response = client.post(f"/backoffice/offers/offer/{offer.pk}/change/", data)

    assert response.status_code == 200
    assert REFUSED in response.context["adminform"].form.errors["name"]
    assert Offer.objects.get(pk=offer.pk).name == "Avant"


def test_a_nul_in_an_api_key_label_is_refused_not_stored(pro, venue):
    client = Client(raise_request_exception=False)
    client.force_login(pro)

    response = client.post("/pro/cles-api/creer/", {"label": "Caisse\x00 1"})

    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not ApiKey.objects.exists()


def test_a_bookings_filter_in_year_9999_is_a_form_error(pro, venue):
    client = Client(raise_request_exception=False)
    client.force_login(pro)
    response = client.get("/pro/reservations/", {"date_from": "2026-01-01", "date_to": "9999-12-31"})
    assert response.status_code == 400
    assert "date_to" in response.context["form"].errors


def test_the_input_bounds_accept_today():
    assert errors(day=dt.date.today().isoformat()) == {}
