"""The security headers in a real browser: the counter's camera scanner and the API docs work under the
Content-Security-Policy without a single violation, and the Permissions-Policy gives the camera to the
counter only and the position to the discovery page only."""

import datetime as dt

import pytest

from passculture.core.bookings.services import book_offer
from passculture.core.common.time import now as utcnow
from passculture.core.credit.factories import DepositFactory
from passculture.core.offerers.constants import MembershipRole
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import StockFactory
from passculture.core.users.factories import UserFactory
from tests.browser import BROWSER_MARKS, log_in, screenshot
from tests.qr_video import y4m_of_qr_code

pytestmark = [*BROWSER_MARKS, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def assert_strict_csp(response) -> None:
    policy = response.headers["content-security-policy"]
    (script_src,) = [d for d in policy.split(";") if d.strip().startswith("script-src ")]
    assert "'self'" in script_src
    assert "'nonce-" in script_src
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


def violations(page) -> list[str]:
    return page.evaluate("() => window.cspViolations")


@pytest.fixture
def booking(transactional_db):
    venue = VenueFactory(name="Ciné Lumière Bellecour", city="Lyon", timezone="Europe/Paris")
    beneficiary = UserFactory(first_name="Inès", last_name="Morel")
    DepositFactory(user=beneficiary)
    stock = StockFactory(
        offer__venue=venue, offer__name="Orbite basse", beginning_datetime=utcnow() + dt.timedelta(hours=3)
    )
    return book_offer(beneficiary, stock.pk)


@pytest.mark.chromium_args(["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
class TestCounterCamera:
    @pytest.fixture
    def chromium_extra_args(self, tmp_path, booking):
        video = tmp_path / "qr-code.y4m"
        video.write_bytes(y4m_of_qr_code(booking.qr_payload))
        return [f"--use-file-for-fake-video-capture={video}"]

    def test_the_counter_scans_a_qr_code_under_the_csp(self, page, live_server, client, booking):
        log_in(page, client, MembershipFactory(offerer=booking.offerer).user, live_server.url)
        page.context.grant_permissions(["camera"], origin=live_server.url)
        response = page.goto(f"{live_server.url}/pro/guichet/")
        assert_strict_csp(response)
        assert "camera=(self)" in response.headers["permissions-policy"]

        page.get_by_role("button", name="Scanner le QR code").click()
        card = page.locator(".pro-counter__booking")
        card.wait_for()
        assert f"Réservation {booking.token}" in card.inner_text()
        screenshot(page, "security-counter-scanned")
        assert violations(page) == []


@pytest.mark.parametrize(
    ("path", "ready"),
    [
        ("/api/native/v1/docs", ".swagger-ui .opblock"),
        ("/api/v2/swagger", ".swagger-ui .opblock"),
        ("/api/v2/docs", ".api-example"),
    ],
    ids=["native-swagger", "ticketing-swagger", "ticketing-guide"],
)
def test_the_api_docs_render_under_the_csp(page, live_server, path, ready):
    response = page.goto(f"{live_server.url}{path}")
    assert_strict_csp(response)
    page.locator(ready).first.wait_for()
    assert page.locator(ready).count() > 1
    screenshot(page, f"security-docs-{path.strip('/').replace('/', '-')}")
    assert violations(page) == []


def test_swagger_try_it_out_calls_the_api_under_the_csp(page, live_server):
    page.goto(f"{live_server.url}/api/v2/swagger")
    operation = page.locator(".opblock-get").first
    operation.locator(".opblock-summary").click()
    page.get_by_role("button", name="Try it out").click()
    page.locator(".opblock-get input[type=text]").first.fill("ABC123")
    page.get_by_role("button", name="Execute").click()
    # Unauthenticated: the API answers 401 and Swagger UI shows it (fetch to 'self' is allowed).
    status = page.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert "401" in status.inner_text()
    assert violations(page) == []


def test_the_camera_and_the_position_are_denied_outside_their_pages(page, live_server, client, booking):
    log_in(page, client, MembershipFactory(offerer=booking.offerer).user, live_server.url)
    allows = "(feature) => document.featurePolicy.allowsFeature(feature)"
    page.goto(f"{live_server.url}/pro/")
    assert not page.evaluate(allows, "camera")
    page.goto(f"{live_server.url}/pro/guichet/")
    assert page.evaluate(allows, "camera")
    assert not page.evaluate(allows, "geolocation")
    page.goto(f"{live_server.url}/")
    assert page.evaluate(allows, "geolocation")
    assert not page.evaluate(allows, "camera")
    assert not page.evaluate(allows, "microphone")


def test_the_behaviours_moved_out_of_inline_handlers_still_work(page, live_server, client, transactional_db):
    """Confirmations, the structure selector and the API key's copy button: data- attributes read by
    static/passculture/behaviours.js instead of onsubmit=, onclick= and onfocus= (the selector has its own
    button: choosing does not submit by itself, RGAA 7.5)."""
    first = VenueFactory(name="Ciné Lumière", offerer__name="Lumière SAS")
    second = VenueFactory(name="Le Méliès", offerer__name="Méliès SARL")
    admin = MembershipFactory(offerer=first.offerer, role=MembershipRole.ADMIN).user
    MembershipFactory(offerer=second.offerer, user=admin, role=MembershipRole.ADMIN)
    log_in(page, client, admin, live_server.url)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)

    page.goto(f"{live_server.url}/pro/cles-api/")
    structure = page.get_by_label("Structure")
    current = structure.input_value()
    other = next(
        value
        for value in structure.locator("option").evaluate_all("os => os.map(o => o.value)")
        if value != current
    )
    structure.select_option(other)
    assert page.url.endswith("/pro/cles-api/")  # nothing sent yet
    with page.expect_navigation():
        page.get_by_role("button", name="Changer de structure").click()
    assert page.locator("#offerer-select option[selected]").get_attribute("value") == other

    page.get_by_role("button", name="Créer une clé d'API").click()
    key = page.locator("#api-key-value")
    key.focus()
    assert (
        page.evaluate("() => document.activeElement.selectionEnd - document.activeElement.selectionStart")
        > 60
    )
    page.get_by_role("button", name="Copier la clé").click()
    page.get_by_role("button", name="Copiée").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == key.input_value()

    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Révoquer").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("Active", exact=True).count() == 1  # refused: not sent, the key stays active
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Révoquer").click()
    page.wait_for_selector("text=est révoquée")
    assert violations(page) == []
