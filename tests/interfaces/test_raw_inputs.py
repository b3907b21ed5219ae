"""Inputs that pages read without a Django form (a reason typed in a textarea, a `next` address) are
checked as strictly as form fields: what the form fuzz (test_form_fuzz.py) found answering 500. NUL in
free text only fails on PostgreSQL: this module runs there too."""

import datetime as dt

import pytest
from django.test import Client, RequestFactory

from passculture.core.finance.batches import generate_payment_batch
from passculture.core.finance.factories import BankAccountFactory, UsedBookingFactory
from passculture.core.finance.models import BankAccount, PaymentLine
from passculture.core.finance.periods import cutoff_instant, cutoff_on_or_before
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offerers.models import Membership, Offerer
from passculture.core.offers.factories import StockFactory
from passculture.core.providers.allocine.models import AllocineVanishedShowtime
from passculture.core.users.factories import StaffFactory
from passculture.interfaces.http import safe_next_url

pytestmark = pytest.mark.django_db
NUL_REASON = "Dossier\x00 incomplet"


def client_of(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture
def staff_client() -> Client:
    return client_of(StaffFactory())


def test_a_nul_in_a_membership_refusal_reason_is_refused_not_stored(pro, venue):
    asking = MembershipFactory(offerer=venue.offerer, validation_status=ValidationStatus.PENDING)
    response = client_of(pro).post(f"/pro/membres/{asking.pk}/refuser/", {"reason": NUL_REASON})
    assert response.status_code < 500
    assert Membership.objects.get(pk=asking.pk).validation_status == ValidationStatus.PENDING


def test_a_nul_in_an_offerer_rejection_reason_is_refused_not_stored(staff_client):
    offerer = OffererFactory(validation_status=ValidationStatus.PENDING)
    response = staff_client.post(
        f"/backoffice/files/structures/{offerer.pk}/rejeter/", {"reason": NUL_REASON}
    )
    assert response.status_code == 302
    assert Offerer.objects.get(pk=offerer.pk).validation_status == ValidationStatus.PENDING


def test_a_nul_in_a_bank_details_refusal_reason_is_refused_not_stored(staff_client):
    account = BankAccountFactory()
    url = f"/backoffice/files/coordonnees-bancaires/{account.pk}/refuser/"
    assert staff_client.post(url, {"reason": NUL_REASON}).status_code == 302
    assert BankAccount.objects.get(pk=account.pk).rejection_reason == ""


def test_a_nul_in_a_payment_line_error_reason_is_refused_not_stored(staff_client):
    now = dt.datetime.now(dt.UTC)
    venue = VenueFactory()
    BankAccountFactory(venue=venue, accepted=True, decided_at=now - dt.timedelta(days=60))
    cutoff = cutoff_on_or_before(dt.date.today() - dt.timedelta(days=1))
    UsedBookingFactory(stock__offer__venue=venue, used_at=cutoff_instant(cutoff) - dt.timedelta(days=2))
    price_bookings(at=now)
    line = generate_payment_batch(cutoff).lines.get()
    assert (
        staff_client.post(
            f"/backoffice/paiements/lignes/{line.pk}/erreur/", {"reason": NUL_REASON}
        ).status_code
        == 302
    )
    assert PaymentLine.objects.get(pk=line.pk).error_reason == ""


@pytest.mark.parametrize("target", ["-1", "1000000000000", "pro:dashboard", "accueil", "//evil.example/", ""])
def test_a_next_address_that_is_not_a_path_on_this_site_goes_to_the_default(target):
    request = RequestFactory().get("/")
    assert safe_next_url(request, target, "/pro/") == "/pro/"


def test_a_path_on_this_site_is_a_next_address():
    assert safe_next_url(RequestFactory().get("/"), "/pro/membres/?page=2", "/pro/") == "/pro/membres/?page=2"


def test_keeping_a_vanished_showtime_with_a_bad_next_goes_back_to_the_dashboard(pro, venue):
    stock = StockFactory(offer__venue=venue)
    alert = AllocineVanishedShowtime.objects.create(
        venue=venue, stock=stock, detected_at=dt.datetime.now(dt.UTC)
    )
    response = client_of(pro).post(f"/pro/allocine/seances-disparues/{alert.pk}/garder/", {"next": "-1"})
    assert (response.status_code, response["Location"]) == (302, "/pro/")


@pytest.mark.parametrize(
    ("term", "said"),
    [("x" * 100_000, "Recherche refusée"), ("a\x00b", "Ce champ contient des caractères non autorisés.")],
    ids=["100-kB", "NUL"],
)
@pytest.mark.parametrize("changelist", ["/backoffice/offers/offer/", "/backoffice/offerers/offerer/"])
def test_an_admin_search_too_long_or_with_nul_says_why(staff_client, changelist, term, said):
    response = staff_client.get(changelist, {"q": term})
    assert response.status_code == 200
    assert said in response.content.decode()
