import pytest
from django.urls import reverse

from passculture.core.finance.constants import BankAccountStatus
from passculture.core.finance.factories import (
    IBAN_CREDIT_AGRICOLE,
    IBAN_LA_BANQUE_POSTALE,
    BankAccountFactory,
)
from passculture.core.finance.models import BankAccount
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.users.factories import UserFactory

pytestmark = pytest.mark.django_db

MASKED = "FR76 **** **** **** **** **** 189"


def edit_url(venue) -> str:
    return reverse("pro:bank-account", args=[venue.pk])


@pytest.fixture
def logged_pro(client, pro):
    client.force_login(pro)
    return client


@pytest.fixture
def other_venue(db):
    return VenueFactory()


# --- Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["pro:bank-accounts", "pro:bank-account"])
def test_bank_pages_require_login(client, venue, name):
    url = reverse(name, args=[venue.pk]) if name == "pro:bank-account" else reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pro:login"))


def test_beneficiaries_cannot_open_bank_pages(client, venue):
    client.force_login(UserFactory())
    assert client.get(edit_url(venue)).status_code == 302


def test_a_pro_gets_404_on_the_bank_page_of_another_offerers_venue(logged_pro, other_venue):
    BankAccountFactory(venue=other_venue)
    assert logged_pro.get(edit_url(other_venue)).status_code == 404


def test_a_pro_cannot_post_bank_details_for_another_offerers_venue(logged_pro, other_venue):
    response = logged_pro.post(edit_url(other_venue), {"iban": IBAN_CREDIT_AGRICOLE, "holder": "Pirate"})
    assert response.status_code == 404
    assert not BankAccount.objects.exists()


def test_a_pending_member_gets_404_on_the_offerers_bank_page(client, venue):
    membership = MembershipFactory(offerer=venue.offerer, validation_status="PENDING")
    client.force_login(membership.user)
    assert client.get(edit_url(venue)).status_code == 404


def test_the_list_shows_only_the_current_offerers_venues(logged_pro, venue, other_venue):
    BankAccountFactory(venue=other_venue, holder="Titulaire étranger")
    content = logged_pro.get(reverse("pro:bank-accounts")).content.decode()
    assert venue.name in content
    assert other_venue.name not in content
    assert "Titulaire étranger" not in content


def test_the_bic_lookup_needs_a_logged_in_pro_and_a_post(client, logged_pro):
    url = reverse("pro:bank-bic-lookup")
    assert logged_pro.get(url).status_code == 405
    client.logout()
    assert client.post(url, {"iban": IBAN_CREDIT_AGRICOLE}).status_code == 302


def test_the_bank_form_is_csrf_protected(pro, venue):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(pro)
    response = strict.post(edit_url(venue), {"iban": IBAN_CREDIT_AGRICOLE, "holder": "Cinéma"})
    assert response.status_code == 403
    assert not BankAccount.objects.exists()


# --- Editing --------------------------------------------------------------------------------------


def test_a_pro_submits_bank_details_and_sees_them_pending(logged_pro, venue):
    response = logged_pro.post(
        edit_url(venue),
        {"iban": "fr76 3000 6000 0112 3456 7890 189", "holder": "Cinéma SAS", "action": "submit"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:venue", args=[venue.pk])
    account = BankAccount.objects.get(venue=venue)
    assert account.status == BankAccountStatus.PENDING
    assert account.bic == "AGRIFRPP"
    page = logged_pro.get(response["Location"]).content.decode()
    assert "En attente de validation" in page
    assert "BIC renseigné d&#x27;après l&#x27;IBAN : AGRIFRPP" in page


def test_a_pro_saves_a_draft(logged_pro, venue):
    logged_pro.post(
        edit_url(venue), {"iban": IBAN_CREDIT_AGRICOLE, "holder": "Cinéma SAS", "action": "draft"}
    )
    assert BankAccount.objects.get(venue=venue).status == BankAccountStatus.DRAFT
    assert "Brouillon" in logged_pro.get(edit_url(venue)).content.decode()


def test_an_invalid_iban_is_explained_in_french_and_the_typed_value_is_kept(logged_pro, venue):
    typed = "FR76 3000 6000 0112 3456 7890 188"
    response = logged_pro.post(edit_url(venue), {"iban": typed, "holder": "Cinéma SAS", "action": "submit"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "IBAN invalide" in content
    assert f'value="{typed}"' in content
    assert not BankAccount.objects.exists()


def test_an_inconsistent_bic_is_explained_in_french(logged_pro, venue):
    response = logged_pro.post(
        edit_url(venue), {"iban": IBAN_CREDIT_AGRICOLE, "bic": "COBADEFFXXX", "holder": "Cinéma SAS"}
    )
    assert "BIC incohérent" in response.content.decode()


def test_saved_iban_is_masked_on_the_edit_page(logged_pro, venue):
    BankAccountFactory(venue=venue, accepted=True)
    content = logged_pro.get(edit_url(venue)).content.decode()
    assert MASKED in content
    assert IBAN_CREDIT_AGRICOLE not in content
    assert "FR76 3000 6000 0112 3456 7890 189" not in content
    assert "Validées" in content


def test_saved_iban_is_masked_on_the_list(logged_pro, venue):
    BankAccountFactory(venue=venue)
    content = logged_pro.get(reverse("pro:bank-accounts")).content.decode()
    assert MASKED in content
    assert IBAN_CREDIT_AGRICOLE not in content


def test_the_rejection_reason_is_shown_to_the_pro(logged_pro, venue):
    BankAccountFactory(
        venue=venue,
        status=BankAccountStatus.REJECTED,
        decided_at="2026-01-01T00:00Z",
        rejection_reason="RIB flou",
    )
    assert "RIB flou" in logged_pro.get(edit_url(venue)).content.decode()
    assert "RIB flou" in logged_pro.get(reverse("pro:bank-accounts")).content.decode()


def test_changing_the_iban_of_accepted_details_puts_them_back_to_pending(logged_pro, venue):
    BankAccountFactory(venue=venue, accepted=True)
    logged_pro.post(
        edit_url(venue), {"iban": IBAN_LA_BANQUE_POSTALE, "holder": "Cinéma SAS", "action": "submit"}
    )
    assert BankAccount.objects.get(venue=venue, archived_at__isnull=True).status == BankAccountStatus.PENDING


def test_the_draft_button_is_offered_only_before_submission(logged_pro, venue):
    assert 'value="draft"' in logged_pro.get(edit_url(venue)).content.decode()
    BankAccountFactory(venue=venue)
    assert 'value="draft"' not in logged_pro.get(edit_url(venue)).content.decode()


def test_the_bic_lookup_answers_the_registry_bic(logged_pro):
    response = logged_pro.post(reverse("pro:bank-bic-lookup"), {"iban": IBAN_CREDIT_AGRICOLE})
    assert response.json() == {
        "valid": True,
        "error": "",
        "bic": "AGRIFRPP",
        "bank_name": "CREDIT AGRICOLE SA",
    }


# --- Summary include (used on the venue page) -----------------------------------------------------


def test_the_summary_shows_state_masked_iban_holder_bic_and_edit_link(venue):
    from django.template.loader import render_to_string

    BankAccountFactory(venue=venue, holder="Cinéma Lumière SAS")
    html = render_to_string("pro/finance/bank_account_summary.html", {"venue": venue})
    assert "En attente de validation" in html
    assert MASKED in html
    assert "Cinéma Lumière SAS" in html
    assert "AGRIFRPP" in html
    assert edit_url(venue) in html


def test_the_summary_of_a_venue_without_details_says_none(venue):
    from django.template.loader import render_to_string

    html = render_to_string("pro/finance/bank_account_summary.html", {"venue": venue})
    assert "Aucune" in html
    assert "Renseigner les coordonnées bancaires" in html


def test_bic_lookups_are_limited_per_user(logged_pro, time_machine):
    url = reverse("pro:bank-bic-lookup")
    time_machine.move_to("2026-03-10T12:00:00+00:00", tick=False)
    for _ in range(30):
        assert logged_pro.post(url, {"iban": IBAN_CREDIT_AGRICOLE}).status_code == 200

    refused = logged_pro.post(url, {"iban": IBAN_CREDIT_AGRICOLE})

    assert refused.status_code == 429
    assert refused.json() == {
        "code": "RATE_LIMITED",
        "message": "Trop de vérifications d'IBAN : réessayez dans 1 minute.",
    }
    assert refused["Retry-After"] == "60"
    time_machine.shift(61)
    assert logged_pro.post(url, {"iban": IBAN_CREDIT_AGRICOLE}).status_code == 200


def test_bic_lookups_are_limited_per_address_across_accounts(client, venue, time_machine):
    url = reverse("pro:bank-bic-lookup")
    time_machine.move_to("2026-03-10T12:00:00+00:00", tick=False)
    for _ in range(2):
        client.force_login(MembershipFactory(offerer=venue.offerer).user)
        for _ in range(30):
            assert client.post(url, {"iban": IBAN_CREDIT_AGRICOLE}).status_code == 200
    client.force_login(MembershipFactory(offerer=venue.offerer).user)

    assert client.post(url, {"iban": IBAN_CREDIT_AGRICOLE}).status_code == 429
