"""Staff upload the Allociné theatre list in a real browser and read the report (screenshot)."""

import pytest

from passculture.core.providers.allocine.models import AllocineTheater
from passculture.core.users.factories import StaffFactory
from tests.browser import BROWSER_MARKS, log_in, screenshot

pytestmark = BROWSER_MARKS


@pytest.fixture
def staff_page(transactional_db, live_server, page, client):
    log_in(page, client, StaffFactory(), live_server.url)
    return page


def test_staff_upload_the_theater_list_and_read_the_report(live_server, staff_page, tmp_path):
    path = tmp_path / "cinemas.csv"
    path.write_text(
        "siret;theater_id;internal_id\n73282932000074;P0645;C0645\n123;P0001;C1\n", encoding="utf-8"
    )
    page = staff_page
    page.goto(f"{live_server.url}/backoffice/files/allocine/")
    page.locator("#id_file").set_input_files(str(path))
    page.get_by_role("button", name="Importer").click()
    page.wait_for_selector("#allocine-report")
    assert "Cinémas créés : 1" in page.locator("#allocine-report").inner_text()
    assert "P0645" in page.locator("#allocine-theaters").inner_text()
    assert AllocineTheater.objects.get().siret == "73282932000074"
    screenshot(page, "backoffice-allocine-theaters")
