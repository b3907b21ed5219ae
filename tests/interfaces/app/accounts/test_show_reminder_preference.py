"""The reminder preference: the account page's checkbox, and the emailed one-click unsubscribe link
that works without signing in (decision 0031)."""

from passculture.core.users.reminder_preferences import unsubscribe_token

PREFIX = "/rappels/desabonnement/"


def test_the_account_page_shows_the_checkbox_ticked_by_default(client, beneficiary):
    client.force_login(beneficiary)
    page = client.get("/compte/").content.decode()
    assert 'id="wants_show_reminders" name="wants_show_reminders" checked' in page
    assert "Recevoir un rappel par email avant mes séances" in page


def test_unticking_and_ticking_the_checkbox_saves_the_choice(client, beneficiary):
    client.force_login(beneficiary)
    response = client.post("/compte/rappels/", {})
    assert response.status_code == 302 and response["Location"] == "/compte/"
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is False
    client.post("/compte/rappels/", {"wants_show_reminders": "on"})
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is True


def test_the_checkbox_needs_a_signed_in_beneficiary(client, beneficiary):
    response = client.post("/compte/rappels/", {})
    assert response.status_code in (302, 403)
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is True


def test_the_unsubscribe_link_works_without_signing_in(client, beneficiary):
    response = client.get(f"{PREFIX}{unsubscribe_token(beneficiary)}/")
    assert response.status_code == 200
    assert "ne recevras plus de rappel" in response.content.decode()
    assert beneficiary.email not in response.content.decode()
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is False


def test_one_click_post_from_the_mail_client_unsubscribes(client, beneficiary):
    client.handler.enforce_csrf_checks = True
    url = f"{PREFIX}{unsubscribe_token(beneficiary)}/"
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is False


def test_a_tampered_link_is_refused_with_a_french_page(client, beneficiary):
    token = unsubscribe_token(beneficiary)
    for bad in (token[:-2] + "xx", "nimportequoi", token.replace(":", ".", 1)):
        response = client.get(f"{PREFIX}{bad}/")
        assert response.status_code == 400
        assert "Ce lien de désabonnement" in response.content.decode()
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is True


def test_a_token_signed_for_another_purpose_is_refused(client, beneficiary):
    from django.core import signing

    forged = signing.dumps({"u": beneficiary.pk}, salt="another.purpose", compress=True)
    assert client.get(f"{PREFIX}{forged}/").status_code == 400
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is True
