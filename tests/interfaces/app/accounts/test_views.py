"""The beneficiaries' account pages: sign-up, confirmation, login/logout, password reset and change,
account page with the eligibility explained, deletion request."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

from passculture.core.bookings.constants import BookingStatus
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.notifications.models import OutboxEmail
from passculture.core.offers.factories import StockFactory
from passculture.core.users import accounts
from passculture.core.users.factories import TEST_PASSWORD, UserFactory
from passculture.core.users.models import AccountDeletionRequest, User
from tests.conftest import utc

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-2026"
NEW_PASSWORD = "Nouveau-mot-de-passe-2026"
NOW = utc(2026, 6, 1, 10, 0)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def signup_data(**overrides):
    data = {
        "email": "lea@example.com",
        "password": PASSWORD,
        "first_name": "Léa",
        "last_name": "Durand",
        "birth_date": "2008-01-10",
        "phone_number": "06 12 34 56 78",
        "postal_code": "69001",
        "city": "lyon",
        "accepted_terms": "on",
    }
    data.update(overrides)
    return data


def _text(response) -> str:
    # ASCII whitespace only: the non-breaking spaces of amounts ("300\u00a0€") are kept.
    return re.sub(r"[ \t\r\n]+", " ", response.content.decode())


def _link(kind: str) -> str:
    return re.search(r"http\S+", OutboxEmail.objects.filter(kind=kind).latest("id").text_body).group(0)


def _path(link: str) -> str:
    return re.sub(r"^https?://[^/]+", "", link)


# --- Sign-up -------------------------------------------------------------------------------------------


def test_the_signup_page_shows_the_password_rules_and_every_field(client):
    page = _text(client.get("/inscription/"))

    assert "au minimum 12 caractères" in page
    for name in ("email", "password", "first_name", "last_name", "birth_date", "phone_number", "postal_code"):
        assert f'name="{name}"' in page
    assert 'name="city"' in page and 'list="city-suggestions"' in page
    assert 'name="accepted_terms"' in page
    assert 'href="/conditions-generales/"' in page


def test_signing_up_creates_the_account_and_shows_the_eligibility(client, clock):
    response = client.post("/inscription/", signup_data())

    assert response.status_code == 302
    assert response["Location"] == "/inscription/terminee/"
    user = User.objects.get()
    assert (user.city, user.is_email_validated) == ("Lyon", False)
    page = _text(client.get("/inscription/terminee/"))
    assert "lea@example.com" in page
    assert "Tu es éligible au pass Culture" in page
    assert "9 janvier 2027" in page  # the last eligible day
    assert _path(_link("account_beneficiary_email_confirmation")).startswith("/inscription/confirmer/")


def test_signing_up_at_17_says_pas_encore_with_the_date(client, clock):
    client.post("/inscription/", signup_data(birth_date="2009-03-01"))

    page = _text(client.get("/inscription/terminee/"))
    assert "Pas encore éligible" in page
    assert "1er mars 2027" in page


def test_signing_up_at_19_says_no_longer_eligible(client, clock):
    client.post("/inscription/", signup_data(birth_date="2007-06-01"))

    assert "plus éligible" in _text(client.get("/inscription/terminee/"))


def test_an_email_already_used_is_said_clearly(client, clock):
    UserFactory(email="lea@example.com")

    response = client.post("/inscription/", signup_data(email="Lea@Example.com"))

    assert response.status_code == 409
    assert "Un compte existe déjà avec cette adresse email." in _text(response)
    assert User.objects.count() == 1


def test_field_errors_are_shown_next_to_their_fields(client, clock):
    data = signup_data(city="Marseille", phone_number="123", postal_code="69001", password="court")
    del data["accepted_terms"]

    response = client.post("/inscription/", data)

    assert response.status_code == 400
    page = _text(response)
    assert 'id="id_city-error"' in page and "choisissez parmi" not in page and "indiquez Lyon" in page
    assert 'id="id_phone_number-error"' in page
    assert 'id="id_password-error"' in page
    assert 'id="id_accepted_terms-error"' in page
    assert not User.objects.exists()


def test_signing_up_under_15_is_refused_with_the_date(client, clock):
    response = client.post("/inscription/", signup_data(birth_date="2012-01-01"))

    assert response.status_code == 400
    assert "1er janvier 2027" in _text(response)


def test_signup_is_rate_limited_per_address(client, clock):
    for n in range(10):
        assert client.post("/inscription/", signup_data(email=f"lea{n}@example.com")).status_code == 302
        client.logout()

    response = client.post("/inscription/", signup_data(email="lea10@example.com"))

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Trop d&#x27;inscriptions" in _text(response)


def test_the_signup_done_page_needs_a_signup(client):
    assert client.get("/inscription/terminee/")["Location"] == "/inscription/"


def test_the_cities_of_a_postal_code_for_the_form(client):
    assert client.get("/inscription/communes/?code_postal=69001").json() == {
        "postalCode": "69001",
        "cities": ["Lyon"],
    }
    assert client.get("/inscription/communes/?code_postal=6900").status_code == 400


def test_the_terms_page(client):
    assert "Conditions générales" in _text(client.get("/conditions-generales/"))


# --- Email confirmation ------------------------------------------------------------------------------


def test_the_confirmation_link_confirms_once_then_says_already_done(client):
    user = UserFactory(is_email_validated=False)
    url = f"/inscription/confirmer/{accounts.email_confirmation_token(user)}/"

    first = client.get(url)
    assert first.status_code == 200
    assert "Adresse email confirmée" in _text(first)
    user.refresh_from_db()
    assert user.is_email_validated
    again = client.get(url)
    assert again.status_code == 409
    assert "déjà confirmée" in _text(again)


def test_an_expired_confirmation_link_offers_a_new_one(client):
    user = UserFactory(is_email_validated=False)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = accounts.email_confirmation_token(user)
        traveller.shift(dt.timedelta(days=4))
        response = client.get(f"/inscription/confirmer/{token}/")

    assert response.status_code == 410
    page = _text(response)
    assert "expiré" in page
    assert 'id="resend-form"' in page


def test_an_invalid_confirmation_link_is_400(client):
    assert client.get("/inscription/confirmer/nimporte-quoi/").status_code == 400


def test_resending_answers_the_same_for_any_address(client):
    user = UserFactory(is_email_validated=False)

    known = client.post("/inscription/nouveau-lien/", {"email": user.email})
    unknown = client.post("/inscription/nouveau-lien/", {"email": "inconnu@example.com"})

    assert known.status_code == unknown.status_code == 200
    assert 'id="email-sent"' in _text(known) and 'id="email-sent"' in _text(unknown)
    assert list(OutboxEmail.objects.values_list("kind", "to")) == [
        ("account_beneficiary_email_confirmation", [user.email]),
        ("beneficiary_confirmation_without_account", ["inconnu@example.com"]),
    ]


def test_resending_is_limited_per_email(client):
    for _ in range(3):
        client.post("/inscription/nouveau-lien/", {"email": "lea@example.com"})

    response = client.post("/inscription/nouveau-lien/", {"email": "lea@example.com"})

    assert response.status_code == 429
    assert "Trop de demandes de lien" in _text(response)


# --- Login / logout -------------------------------------------------------------------------------------


def _login(client, email, password=TEST_PASSWORD, **extra):
    return client.post("/connexion/", {"email": email, "password": password, **extra})


def test_login_without_credit_lands_on_the_account_page(client):
    user = UserFactory()

    response = _login(client, user.email)

    assert response["Location"] == "/compte/"
    assert client.session[SESSION_KEY] == str(user.pk)


def test_login_with_a_credit_lands_on_the_films(client, beneficiary):
    assert _login(client, beneficiary.email)["Location"] == "/"


def test_login_goes_back_to_a_safe_next_only(client, beneficiary):
    assert _login(client, beneficiary.email, next="/reservations/")["Location"] == "/reservations/"
    client.logout()
    assert _login(client, beneficiary.email, next="https://evil.example.com/")["Location"] == "/"


def test_login_with_a_wrong_password_is_refused(client, beneficiary):
    response = _login(client, beneficiary.email, "Mauvais-mot-de-passe")

    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in _text(response)
    assert SESSION_KEY not in client.session


def test_login_before_confirming_the_email_offers_a_new_link(client):
    user = UserFactory(is_email_validated=False)

    response = _login(client, user.email)

    assert response.status_code == 403
    page = _text(response)
    assert "Adresse email pas encore confirmée" in page
    assert 'id="resend-form"' in page and f'value="{user.email}"' in page


def test_a_pro_cannot_log_into_the_app(client, pro):
    response = _login(client, pro.email)

    assert response.status_code == 403
    assert "espace professionnel" in _text(response)
    assert SESSION_KEY not in client.session


def test_login_is_throttled_after_ten_failures(client, beneficiary):
    for _ in range(10):
        _login(client, beneficiary.email, "Mauvais-mot-de-passe")

    response = _login(client, beneficiary.email)

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_logout_is_post_only_and_clears_the_site_data(client, beneficiary):
    client.force_login(beneficiary)

    assert client.get("/deconnexion/").status_code == 405
    response = client.post("/deconnexion/")

    assert response["Location"] == "/"
    assert "storage" in response["Clear-Site-Data"]
    assert SESSION_KEY not in client.session


# --- Password reset ---------------------------------------------------------------------------------------


def test_the_reset_request_answers_the_same_for_any_address(client, beneficiary):
    known = client.post("/mot-de-passe/oublie/", {"email": beneficiary.email})
    unknown = client.post("/mot-de-passe/oublie/", {"email": "inconnu@example.com"})

    assert known.status_code == unknown.status_code == 200
    assert _text(known).split("<main")[1] == _text(unknown).split("<main")[1]
    assert OutboxEmail.objects.filter(to=[beneficiary.email]).count() == 1


def test_a_reset_link_sets_a_new_password_once(client, beneficiary):
    client.post("/mot-de-passe/oublie/", {"email": beneficiary.email})
    link = _path(_link("account_beneficiary_password_reset"))

    landing = client.get(link)
    assert landing.status_code == 302 and "nouveau-mot-de-passe" in landing["Location"]
    form = client.get(landing["Location"])
    assert "au minimum 12 caractères" in _text(form)
    done = client.post(landing["Location"], {"password": NEW_PASSWORD})

    assert done["Location"] == "/connexion/"
    beneficiary.refresh_from_db()
    assert beneficiary.check_password(NEW_PASSWORD)
    reused = client.get(client.get(link)["Location"])
    assert reused.status_code == 400
    assert "déjà utilisé" in _text(reused)


def test_a_weak_new_password_is_refused_on_the_reset_page(client, beneficiary):
    client.post("/mot-de-passe/oublie/", {"email": beneficiary.email})
    target = client.get(_path(_link("account_beneficiary_password_reset")))["Location"]

    assert client.post(target, {"password": "court"}).status_code == 400
    beneficiary.refresh_from_db()
    assert beneficiary.check_password(TEST_PASSWORD)


# --- Account page ---------------------------------------------------------------------------------------


def test_the_account_page_needs_a_login(client):
    response = client.get("/compte/")

    assert response.status_code == 302
    assert response["Location"] == "/connexion/?next=/compte/"


def test_the_account_page_is_for_beneficiaries_only(client, pro):
    client.force_login(pro)

    assert client.get("/compte/").status_code == 403


def test_the_account_page_shows_the_data_credit_and_eligibility(client, beneficiary):
    client.force_login(beneficiary)

    page = _text(client.get("/compte/"))

    assert beneficiary.email in page and beneficiary.last_name in page
    assert "06 12 34 56 78" in page
    assert "300\u00a0€" in page
    assert "Tu es éligible au pass Culture" in page
    assert "Prochaine étape" not in page  # the credit is already there
    assert 'href="/compte/suppression/"' in page and 'href="/compte/mot-de-passe/"' in page


def test_the_account_page_of_an_eligible_person_without_credit_points_to_the_identity_check(client):
    user = UserFactory()
    client.force_login(user)

    page = _text(client.get("/compte/"))

    assert "Prochaine étape : faire vérifier ton identité" in page
    assert 'href="/identite/"' in page


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        (dt.date(2008, 6, 2), "Pas encore éligible"),  # 18 tomorrow
        (dt.date(2008, 6, 1), "Tu es éligible"),  # 18 today
        (dt.date(2007, 6, 2), "Tu es éligible"),  # 19 tomorrow
        (dt.date(2007, 6, 1), "plus éligible"),  # 19 today
    ],
)
def test_the_account_page_explains_the_eligibility_around_birthdays(client, clock, birth_date, expected):
    client.force_login(UserFactory(birth_date=birth_date))

    assert expected in _text(client.get("/compte/"))


def test_the_account_page_says_the_exact_date_when_under_18(client, clock):
    client.force_login(UserFactory(birth_date=dt.date(2008, 6, 2)))

    assert "2 juin 2026" in _text(client.get("/compte/"))


# --- Password change -------------------------------------------------------------------------------------


def test_changing_the_password_keeps_this_session(client, beneficiary):
    client.force_login(beneficiary)

    response = client.post(
        "/compte/mot-de-passe/", {"current_password": TEST_PASSWORD, "password": NEW_PASSWORD}
    )

    assert response["Location"] == "/compte/"
    assert client.get("/compte/").status_code == 200
    beneficiary.refresh_from_db()
    assert beneficiary.check_password(NEW_PASSWORD)


def test_changing_the_password_needs_the_current_one(client, beneficiary):
    client.force_login(beneficiary)

    response = client.post(
        "/compte/mot-de-passe/", {"current_password": "Mauvais-2026-x", "password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert "Le mot de passe actuel est incorrect" in _text(response)


# --- Deletion ----------------------------------------------------------------------------------------------


def test_the_deletion_page_says_what_will_happen_to_the_bookings(client, beneficiary):
    book_offer(beneficiary, StockFactory(beginning_datetime=timezone.now() + dt.timedelta(days=5)).pk)
    book_offer(beneficiary, StockFactory(beginning_datetime=timezone.now() + dt.timedelta(hours=20)).pk)
    client.force_login(beneficiary)

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1)):
        page = _text(client.get("/compte/suppression/"))

    assert "1 réservation</strong> encore annulable sera annulée" in page
    assert "1 réservation</strong> qui ne peut plus être annulée reste valable" in page
    assert "perdu" in page


def test_deleting_the_account_needs_the_password(client, beneficiary):
    client.force_login(beneficiary)

    response = client.post("/compte/suppression/", {"password": "Mauvais-2026-x"})

    assert response.status_code == 400
    assert "Mot de passe incorrect" in _text(response)
    beneficiary.refresh_from_db()
    assert beneficiary.is_active


def test_deleting_the_account_logs_out_and_confirms(client, beneficiary):
    booking = book_offer(beneficiary, StockFactory().pk)
    client.force_login(beneficiary)

    response = client.post("/compte/suppression/", {"password": TEST_PASSWORD})

    assert response["Location"] == "/compte/supprime/"
    page = _text(client.get("/compte/supprime/"))
    assert "est désactivé" in page and "1 réservation a été annulée" in page
    assert SESSION_KEY not in client.session
    beneficiary.refresh_from_db()
    assert not beneficiary.is_active
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert AccountDeletionRequest.objects.filter(user=beneficiary).exists()
    login = _login(client, beneficiary.email)
    assert login.status_code == 401
    assert "suppression a été demandée" in _text(login)


def test_another_session_of_a_deleted_account_is_logged_out(client, beneficiary):
    other = type(client)()
    other.force_login(beneficiary)
    client.force_login(beneficiary)

    client.post("/compte/suppression/", {"password": TEST_PASSWORD})

    assert other.get("/compte/")["Location"].startswith("/connexion/")


def test_the_deleted_page_needs_a_deletion(client):
    assert client.get("/compte/supprime/")["Location"] == "/"


def test_a_deposit_of_another_user_never_shows_on_my_account(client):
    me, other = UserFactory(), UserFactory()
    DepositFactory(user=other)
    client.force_login(me)

    page = _text(client.get("/compte/"))

    assert "Pas encore de crédit" in page
    assert other.email not in page
