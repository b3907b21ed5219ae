"""Account pages: sign-up with a SIREN, email confirmation, login with rate limit, logout, password reset."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from passculture.core.notifications.models import OutboxEmail
from passculture.core.offerers.constants import RegistryStatus, ValidationStatus
from passculture.core.offerers.factories import OffererFactory
from passculture.core.offerers.models import Membership, Offerer
from passculture.core.users import accounts
from passculture.core.users.factories import TEST_PASSWORD, ProFactory, UserFactory
from passculture.core.users.models import User
from tests.core.offerers.registry_replay import (
    CINEMA_SIREN,
    CLOSED_SIREN,
    point_registry_at,
    serve_all,
    serve_outage,
)
from tests.helpers import page_for_comparison

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-solide-2026"
WRONG = "Pas-le-bon-mot-de-passe"


@pytest.fixture(autouse=True)
def _isolated(settings, httpserver):
    point_registry_at(settings, httpserver)


def signup_data(**fields):
    data = {
        "siren": CINEMA_SIREN,
        "email": "claire.dupont@melies.example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "first_name": "Claire",
        "last_name": "Dupont",
        "phone_number": "06 12 34 56 78",
    }
    data.update(fields)
    return data


def lookup(client, **fields):
    return client.post(reverse("pro:signup"), {**signup_data(**fields), "action": "lookup"})


def submit(client, **fields):
    return client.post(reverse("pro:signup"), {**signup_data(**fields), "action": "signup"})


def login(client, email, password, remote_addr="127.0.0.1", **fields):
    data = {"username": email, "password": password, **fields}
    return client.post(reverse("pro:login"), data, REMOTE_ADDR=remote_addr)


# --- Sign-up -------------------------------------------------------------------------------------


def test_signup_page_shows_the_password_rules(client):
    page = client.get(reverse("pro:signup")).content.decode()

    assert "au minimum 12 caractères" in page
    assert 'name="siren"' in page


def test_looking_up_a_new_siren_shows_the_registry_details_for_confirmation(client, httpserver):
    serve_all(httpserver)

    page = lookup(client).content.decode()

    assert "CINEMA LE MELIES" in page
    assert "12 RUE DE LA REPUBLIQUE, 69002 LYON" in page
    assert "59.14Z" in page
    assert not User.objects.exists()


def test_signup_with_a_new_siren_creates_the_account_and_an_offerer_waiting_for_staff(client, httpserver):
    serve_all(httpserver)
    lookup(client)

    response = submit(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("pro:signup-done")
    offerer = Offerer.objects.get(siren=CINEMA_SIREN)
    assert (offerer.name, offerer.validation_status, offerer.registry_status) == (
        "CINEMA LE MELIES",
        ValidationStatus.NEW,
        RegistryStatus.VERIFIED,
    )
    page = client.get(response["Location"]).content.decode()
    assert "claire.dupont@melies.example.com" in page
    assert "en attente de validation" in page


def test_signup_without_a_lookup_first_shows_the_registry_details_before_creating(client, httpserver):
    serve_all(httpserver)

    response = submit(client)

    assert response.status_code == 200
    assert "CINEMA LE MELIES" in response.content.decode()
    assert "Vérifiez les informations de votre structure" in response.content.decode()
    assert not User.objects.exists()


def test_when_the_registry_is_down_the_pro_types_the_details_and_the_offerer_is_flagged(client, httpserver):
    serve_outage(httpserver)
    page = lookup(client).content.decode()
    assert "Répertoire des entreprises indisponible" in page
    assert 'name="company_name"' in page

    response = submit(
        client,
        company_name="Cinéma Le Méliès",
        company_address="12 rue de la République",
        company_postal_code="69002",
        company_city="Lyon",
    )

    assert response.status_code == 302
    offerer = Offerer.objects.get(siren=CINEMA_SIREN)
    assert (offerer.name, offerer.registry_status) == ("Cinéma Le Méliès", RegistryStatus.UNREACHABLE)


def test_when_the_registry_is_down_the_typed_details_are_required(client, httpserver):
    serve_outage(httpserver)
    lookup(client)

    response = submit(client)

    assert response.status_code == 400
    assert "Saisissez la raison sociale" in response.content.decode()
    assert not User.objects.exists()


def test_signup_with_an_existing_siren_asks_to_join_it(client):
    offerer = OffererFactory(siren=CINEMA_SIREN, name="Ciné Méliès")
    assert "déjà inscrite" in lookup(client).content.decode()

    response = submit(client)

    assert response.status_code == 302
    membership = Membership.objects.get(user__email="claire.dupont@melies.example.com")
    assert (membership.offerer, membership.validation_status) == (offerer, ValidationStatus.PENDING)
    assert "demande de rattachement" in client.get(response["Location"]).content.decode()


def test_an_invalid_siren_is_refused_on_the_siren_field(client, httpserver):
    response = lookup(client, siren="832145677")

    assert response.status_code == 400
    assert "Le numéro SIREN est invalide" in response.content.decode()
    assert len(httpserver.log) == 0


def test_a_closed_company_is_refused_with_a_clear_message(client, httpserver):
    serve_all(httpserver)

    response = lookup(client, siren=CLOSED_SIREN)

    assert response.status_code == 400
    assert "Cette entreprise est fermée" in response.content.decode()


def test_a_duplicate_email_is_refused(client, httpserver):
    serve_all(httpserver)
    ProFactory(email="claire.dupont@melies.example.com")
    lookup(client)

    response = submit(client)

    assert response.status_code == 409
    assert "Un compte existe déjà avec cette adresse email" in response.content.decode()
    assert not Offerer.objects.exists()


def test_a_weak_password_is_refused_with_the_rule_it_breaks(client, httpserver):
    serve_all(httpserver)
    lookup(client)

    response = submit(client, password1="court", password2="court")

    assert response.status_code == 400
    assert "Ce mot de passe est trop court" in response.content.decode()
    assert not User.objects.exists()


def test_different_password_confirmation_is_refused(client, httpserver):
    serve_all(httpserver)
    lookup(client)

    response = submit(client, password2=PASSWORD + "x")

    assert response.status_code == 400
    assert "Les deux mots de passe ne correspondent pas" in response.content.decode()


def test_an_invalid_phone_number_is_refused(client, httpserver):
    serve_all(httpserver)
    lookup(client)

    response = submit(client, phone_number="12 34")

    assert response.status_code == 400
    assert "Le numéro de téléphone est invalide" in response.content.decode()


def test_the_signup_form_is_protected_by_csrf(httpserver):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(reverse("pro:signup"), signup_data())

    assert response.status_code == 403


# --- Email confirmation ----------------------------------------------------------------------------


def _confirmation_path() -> str:
    body = OutboxEmail.objects.get(kind="account_email_confirmation").text_body
    return re.search(r"https?://[^/\s]+(/pro/inscription/confirmer/\S+)", body).group(1)


def test_the_emailed_link_confirms_the_address_then_the_pro_can_log_in(client, httpserver):
    serve_all(httpserver)
    lookup(client)
    submit(client)
    assert login(client, "claire.dupont@melies.example.com", PASSWORD).status_code == 403

    response = client.get(_confirmation_path())

    assert response.status_code == 200
    assert "Adresse email confirmée" in response.content.decode()
    assert login(client, "claire.dupont@melies.example.com", PASSWORD).status_code == 302


def test_an_expired_confirmation_link_is_refused(client):
    pro = ProFactory(is_email_validated=False)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        token = accounts.email_confirmation_token(pro)
        traveller.shift(dt.timedelta(days=4))
        response = client.get(reverse("pro:confirm-email", args=[token]))

    assert response.status_code == 410
    assert "a expiré" in response.content.decode()
    pro.refresh_from_db()
    assert not pro.is_email_validated


def test_a_tampered_confirmation_link_is_refused(client):
    pro = ProFactory(is_email_validated=False)
    token = accounts.email_confirmation_token(pro)

    response = client.get(reverse("pro:confirm-email", args=[token[:-3] + "abc"]))

    assert response.status_code == 400
    pro.refresh_from_db()
    assert not pro.is_email_validated


# --- Login / logout --------------------------------------------------------------------------------


def test_login_with_the_right_password_opens_the_portal_with_a_new_session(client):
    pro = ProFactory()
    client.get(reverse("pro:login"))
    client.session.save()
    before = client.session.session_key

    response = login(client, pro.email, TEST_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("pro:dashboard")
    assert client.session.session_key != before
    assert int(client.session["_auth_user_id"]) == pro.pk


def test_login_with_a_wrong_password_is_refused(client):
    pro = ProFactory()

    response = login(client, pro.email, WRONG)

    assert response.status_code == 401
    assert "Identifiant ou mot de passe incorrect" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_with_an_unconfirmed_email_is_refused_with_a_link_to_a_new_confirmation(client):
    pro = ProFactory(is_email_validated=False)

    response = login(client, pro.email, TEST_PASSWORD)

    assert response.status_code == 403
    page = response.content.decode()
    assert "Adresse email pas encore confirmée" in page
    assert reverse("pro:resend-confirmation") in page


def test_beneficiaries_cannot_log_into_the_pro_portal(client):
    beneficiary = UserFactory()

    response = login(client, beneficiary.email, TEST_PASSWORD)

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_login_is_refused_even_with_the_right_password_after_too_many_failures_then_allowed(client):
    pro = ProFactory()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(10):
            login(client, pro.email, WRONG)

        refused = login(client, pro.email, TEST_PASSWORD)

        assert refused.status_code == 429
        assert "Trop de tentatives de connexion : réessayez dans 1 minute" in refused.content.decode()
        assert int(refused["Retry-After"]) == 60
        assert "_auth_user_id" not in client.session

        traveller.shift(dt.timedelta(seconds=61))

        assert login(client, pro.email, TEST_PASSWORD).status_code == 302


def test_login_rate_limit_counts_failures_on_one_email_from_every_address(client, settings):
    settings.SIGNIN_MAX_FAILURES_PER_IDENTIFIER = 3
    pro = ProFactory()
    for n in range(3):
        login(client, pro.email, WRONG, remote_addr=f"198.51.100.{n}")

    assert login(client, pro.email, TEST_PASSWORD, remote_addr="198.51.100.50").status_code == 429


def test_login_rate_limit_counts_failures_of_one_address_on_every_email(client, settings):
    settings.SIGNIN_MAX_FAILURES_PER_CLIENT = 3
    pros = ProFactory.create_batch(4)
    for pro in pros[:3]:
        login(client, pro.email, WRONG)

    assert login(client, pros[3].email, TEST_PASSWORD).status_code == 429
    other_address = login(client, pros[3].email, TEST_PASSWORD, remote_addr="192.0.2.7")
    assert other_address.status_code == 302


def test_login_follows_a_safe_next_and_ignores_another_site(client):
    pro = ProFactory()

    assert login(client, pro.email, TEST_PASSWORD, next="/pro/membres/")["Location"] == "/pro/membres/"
    client.logout()
    evil = login(client, pro.email, TEST_PASSWORD, next="https://evil.example/")
    assert evil["Location"] == reverse("pro:dashboard")


def test_logout_is_post_only(client):
    client.force_login(ProFactory())

    assert client.get(reverse("pro:logout")).status_code == 405
    assert client.post(reverse("pro:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


# --- Password reset --------------------------------------------------------------------------------


def _reset_path() -> str:
    body = OutboxEmail.objects.get(kind="account_password_reset").text_body
    return re.search(r"https?://[^/\s]+(/pro/mot-de-passe/\S+)", body).group(1)


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client):
    pro = ProFactory()

    known = client.post(reverse("pro:password-reset"), {"email": pro.email})
    unknown = client.post(reverse("pro:password-reset"), {"email": "personne@example.com"})

    assert known.status_code == unknown.status_code == 200
    assert page_for_comparison(known, pro.email) == page_for_comparison(unknown, "personne@example.com")
    assert OutboxEmail.objects.filter(kind="account_password_reset").count() == 1


def test_password_reset_flow_sets_a_new_password_once(client):
    pro = ProFactory()
    client.post(reverse("pro:password-reset"), {"email": pro.email})
    link = _reset_path()

    redirected = client.get(link)
    assert redirected.status_code == 302
    assert "nouveau-mot-de-passe" in redirected["Location"]  # the token leaves the address bar
    form_page = client.get(redirected["Location"])
    assert "au minimum 12 caractères" in form_page.content.decode()
    weak = client.post(redirected["Location"], {"password1": "court", "password2": "court"})
    assert weak.status_code == 400
    done = client.post(redirected["Location"], {"password1": PASSWORD, "password2": PASSWORD})

    assert done.status_code == 302
    assert done["Location"] == reverse("pro:login")
    assert login(client, pro.email, PASSWORD).status_code == 302
    client.logout()
    reused = client.get(client.get(link)["Location"])
    assert reused.status_code == 400
    assert "Demander un nouveau lien" in reused.content.decode()


# --- Rate limits on the requests that send an email or ask the registry -----------------------------


def _reset(client, email, ip="192.0.2.10"):
    return client.post(reverse("pro:password-reset"), {"email": email}, REMOTE_ADDR=ip)


def _resend(client, email, ip="192.0.2.10"):
    return client.post(reverse("pro:resend-confirmation"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_requests_are_limited_per_target_email(client):
    pro = ProFactory()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
            assert _reset(client, pro.email, ip).status_code == 200

        refused = _reset(client, pro.email.upper(), "192.0.2.4")

        assert refused.status_code == 429
        assert "Trop de demandes de réinitialisation : réessayez dans 15 minutes." in refused.content.decode()
        assert refused["Retry-After"] == str(15 * 60)
        assert OutboxEmail.objects.filter(kind="account_password_reset").count() == 3

        traveller.shift(dt.timedelta(minutes=15, seconds=1))
        assert _reset(client, pro.email, "192.0.2.4").status_code == 200


def test_password_reset_requests_are_limited_per_address(client):
    with time_machine.travel(timezone.now(), tick=False):
        for number in range(10):
            assert _reset(client, f"inconnu{number}@example.com").status_code == 200

        assert _reset(client, "encore@example.com").status_code == 429
        assert _reset(client, "encore@example.com", ip="198.51.100.7").status_code == 200


def test_a_refused_password_reset_says_nothing_about_the_account(client):
    pro = ProFactory()
    with time_machine.travel(timezone.now(), tick=False):
        for _ in range(3):
            _reset(client, pro.email)
            _reset(client, "personne@example.com")

        known, unknown = _reset(client, pro.email), _reset(client, "personne@example.com")

    assert known.status_code == unknown.status_code == 429

    assert page_for_comparison(known, pro.email) == page_for_comparison(unknown, "personne@example.com")


def test_confirmation_link_requests_are_limited_per_target_email(client):
    pro = ProFactory(is_email_validated=False)
    with time_machine.travel(timezone.now(), tick=False):
        for ip in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
            assert _resend(client, pro.email, ip).status_code == 200

        refused = _resend(client, pro.email, "192.0.2.4")

    assert refused.status_code == 429
    assert "Trop de demandes de lien : réessayez dans 15 minutes." in refused.content.decode()
    assert OutboxEmail.objects.filter(kind="account_email_confirmation").count() == 3


def test_confirmation_link_requests_are_limited_per_address(client):
    with time_machine.travel(timezone.now(), tick=False):
        for number in range(10):
            assert _resend(client, f"inconnu{number}@example.com").status_code == 200

        assert _resend(client, "encore@example.com").status_code == 429


def test_registry_lookups_at_sign_up_are_limited_per_address(client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(30):
            assert lookup(client).status_code == 200

        refused = lookup(client)

        assert refused.status_code == 429
        assert "Trop de recherches de SIREN : réessayez dans 10 minutes." in refused.content.decode()
        traveller.shift(dt.timedelta(minutes=10, seconds=1))
        assert lookup(client).status_code == 200


def test_every_skip_link_of_the_login_page_points_at_something_on_it(client):
    page = client.get(reverse("pro:login")).content.decode()
    targets = re.findall(r'<a class="fr-link" href="#([\w-]+)"', page)
    assert targets and all(f'id="{target}"' in page for target in targets), targets
