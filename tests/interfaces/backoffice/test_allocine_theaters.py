import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from stdnum import luhn

from passculture.core.providers.allocine.models import AllocineTheater
from passculture.core.users.factories import ProFactory, StaffFactory

pytestmark = pytest.mark.django_db
URL = "/backoffice/files/allocine/"


def siret(n: int) -> str:
    base = f"732829320{n:04d}"
    return base + luhn.calc_check_digit(base)


def upload(content: str | bytes, name: str = "cinemas.csv") -> SimpleUploadedFile:
    data = content.encode("utf-8") if isinstance(content, str) else content
    return SimpleUploadedFile(name, data, content_type="text/csv")


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def test_the_page_lives_under_the_backoffice_files():
    assert reverse("backoffice:allocine-theaters") == URL


def test_staff_upload_imports_the_file_and_shows_the_report(staff_client):
    content = f"siret;theater_id;internal_id\n{siret(1)};P0001;C1\n{siret(1)};P0002;C2\n"
    response = staff_client.post(URL, {"file": upload(content)})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="allocine-report"' in page
    assert "Cinémas créés : <strong>1</strong>" in page
    assert "en double (déjà ligne 2)" in page
    assert AllocineTheater.objects.get().theater_id == "P0001"


def test_the_replace_box_deactivates_absent_theaters(staff_client):
    AllocineTheater.objects.create(siret=siret(1), theater_id="P0001", internal_id="C1")
    content = f"siret;theater_id;internal_id\n{siret(2)};P0002;C2\n"
    staff_client.post(URL, {"file": upload(content), "replace": "on"})
    assert not AllocineTheater.objects.get(siret=siret(1)).is_active


def test_a_pro_cannot_upload(client):
    client.force_login(ProFactory())
    content = f"siret;theater_id;internal_id\n{siret(1)};P0001;C1\n"
    response = client.post(URL, {"file": upload(content)})
    assert response.status_code == 302
    assert "/login/" in response["Location"]
    assert not AllocineTheater.objects.exists()


def test_a_file_that_is_not_a_csv_is_refused(staff_client):
    content = f"siret;theater_id;internal_id\n{siret(1)};P0001;C1\n"
    response = staff_client.post(URL, {"file": upload(content, name="cinemas.xlsx")})
    assert "Le fichier doit être un CSV" in response.content.decode()
    assert not AllocineTheater.objects.exists()


def test_a_file_over_two_megabytes_is_refused(staff_client):
    content = "siret;theater_id;internal_id\n" + "x" * (2 * 1024 * 1024)
    response = staff_client.post(URL, {"file": upload(content)})
    assert "Le fichier dépasse 2 Mo." in response.content.decode()


def test_a_file_not_in_utf8_gets_a_clear_error(staff_client):
    content = f"siret;theater_id;internal_id\n{siret(1)};P0001;Cinéma\n".encode("latin-1")
    response = staff_client.post(URL, {"file": upload(content)})
    assert "pas encodé en UTF-8" in response.content.decode()


def test_the_list_is_searched_by_siret(staff_client):
    AllocineTheater.objects.create(siret=siret(1), theater_id="P0001", internal_id="C1")
    AllocineTheater.objects.create(siret="73282932000074", theater_id="P0074", internal_id="C74")
    page = staff_client.get(URL, {"siret": siret(1)[:7] + " " + siret(1)[7:]}).content.decode()
    assert "P0001" in page
    assert "P0074" not in page


def test_the_queues_page_links_to_the_theater_list(staff_client):
    page = staff_client.get(reverse("backoffice:queues")).content.decode()
    assert URL in page
    assert "Cinémas référencés sur AlloCiné" in page
