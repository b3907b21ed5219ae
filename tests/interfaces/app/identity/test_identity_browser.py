"""The identity check in a real browser: a beneficiary on a phone sends a PNG of their card, staff
review it beside the account and approve it, the beneficiary sees the credit."""

import datetime as dt

import pytest
from django.urls import reverse

from passculture.core.common.time import add_years
from passculture.core.identity.models import IdentityCheck
from passculture.core.users.factories import StaffFactory, UserFactory
from passculture.demo.identity import render_specimen_card
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot

pytestmark = BROWSER_MARKS
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def jeanne(transactional_db, settings, tmp_path):
    settings.IDENTITY_DOCUMENTS_ROOT = tmp_path / "identity"
    birth_date = add_years(dt.date.today(), -18) - dt.timedelta(days=40)
    return UserFactory(
        first_name="Jeanne", last_name="Durand", birth_date=birth_date, email="jeanne@example.com"
    )


def test_a_beneficiary_sends_a_png_on_a_phone_and_staff_approve_it(live_server, page, client, jeanne):
    png = render_specimen_card(
        first_name="Jeanne Louise", last_name="Durand", birth_date=jeanne.birth_date, number="X4RTBPFW4"
    )

    # The beneficiary, on a phone.
    page.set_viewport_size(PHONE)
    log_in(page, client, jeanne, live_server.url)
    page.goto(f"{live_server.url}{reverse('app:identity')}")
    assert page.get_by_role("heading", level=1).inner_text() == "Vérifier mon identité"
    page.get_by_label("Carte nationale d'identité").check(
        force=True
    )  # DSFR draws the box on the label, over the input
    page.get_by_label("Numéro du document").fill("x4rt bpfw4")
    page.get_by_label("Prénom(s)").fill("Jeanne Louise")
    assert page.get_by_label("Nom", exact=True).input_value() == "Durand"
    assert page.get_by_label("Date de naissance").input_value() == jeanne.birth_date.isoformat()
    page.get_by_label("Photo du document").set_input_files(
        files=[{"name": "carte.png", "mimeType": "image/png", "buffer": png}]
    )
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_accessible(page, "identity-form-phone")
    screenshot(page, "identity-form-phone")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url(f"{live_server.url}{reverse('app:identity')}")
    status = page.locator("#identity-submitted").inner_text()
    assert "en cours de vérification" in status
    assert "X4RTBPFW4" in page.locator("#identity-facts").inner_text()
    assert_accessible(page, "identity-submitted-phone")
    screenshot(page, "identity-submitted-phone")
    check = IdentityCheck.objects.get(user=jeanne)

    # Staff, in the back office.
    page.context.clear_cookies()
    page.set_viewport_size(DESKTOP)
    log_in(page, client, StaffFactory(), live_server.url)
    page.goto(f"{live_server.url}{reverse('backoffice:identity-checks')}")
    page.get_by_role("link", name="Examiner la demande de jeanne@example.com").click()
    page.wait_for_url(f"{live_server.url}{reverse('backoffice:identity-check', args=[check.pk])}")
    comparison = page.locator("#identity-comparison")
    assert "Jeanne Louise" in comparison.inner_text()
    assert page.locator("#identity-mismatch-warning").count() == 0  # "Jeanne" is the first given name
    photo = page.locator("#identity-photo")
    photo.wait_for()
    assert page.evaluate("document.getElementById('identity-photo').naturalWidth") == 1000
    screenshot(page, "identity-review-staff")
    page.get_by_role("button", name="Valider et attribuer le crédit").click()
    page.wait_for_url(f"{live_server.url}{reverse('backoffice:identity-checks')}")
    assert "crédit de 300\u00a0€ attribué" in page.locator("body").inner_text()
    screenshot(page, "identity-approved-staff")

    # The beneficiary again: the credit is there.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    log_in(page, client, jeanne, live_server.url)
    page.goto(f"{live_server.url}{reverse('app:identity')}")
    approved = page.locator("#identity-approved").inner_text()
    assert "Ton identité est vérifiée" in approved and "300\u00a0€" in approved
    assert_accessible(page, "identity-approved-phone")
    screenshot(page, "identity-approved-phone")


def test_a_refused_photo_is_explained_next_to_the_field_on_a_phone(live_server, page, client, jeanne):
    page.set_viewport_size(PHONE)
    log_in(page, client, jeanne, live_server.url)
    page.goto(f"{live_server.url}{reverse('app:identity')}")
    page.get_by_label("Passeport").check(force=True)  # DSFR draws the box on the label, over the input
    page.get_by_label("Numéro du document").fill("12AB34567")
    page.get_by_label("Photo du document").set_input_files(
        files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%%EOF\n"}]
    )
    page.get_by_role("button", name="Envoyer ma demande").click()
    error = page.locator("#id_photo-error")
    assert "Format non accepté" in error.inner_text()
    assert page.get_by_label("Photo du document").get_attribute("aria-invalid") == "true"
    # The other answers are kept.
    assert page.get_by_label("Passeport").is_checked()
    assert page.get_by_label("Numéro du document").input_value() == "12AB34567"
    assert not IdentityCheck.objects.exists()
    assert_accessible(page, "identity-refused-photo-phone")
    screenshot(page, "identity-refused-photo-phone")
