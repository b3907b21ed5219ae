"""The notification preferences page (every topic, one form) and the emailed one-click unsubscribe
link, per topic, that works without signing in (decisions 0031 and 0033)."""

import pytest
from django.core import signing

from passculture.core.users.notification_preferences import Topic, unsubscribe_token
from passculture.core.users.reminder_preferences import legacy_unsubscribe_token

PREFIX = "/desabonnement/"
OLD_PREFIX = "/rappels/desabonnement/"
PAGE = "/compte/notifications/"


def test_the_account_page_links_to_the_preferences_page(client, beneficiary):
    client.force_login(beneficiary)
    page = client.get("/compte/").content.decode()
    assert f'href="{PAGE}"' in page
    assert 'name="wants_show_reminders"' not in page  # the checkbox moved to the preferences page


def test_the_preferences_page_lists_every_topic_ticked_by_default(client, beneficiary):
    client.force_login(beneficiary)
    page = client.get(PAGE).content.decode()
    for topic in Topic.values:
        assert f'id="{topic}" name="{topic}" checked' in page
    assert "Recevoir un rappel par email avant mes séances" in page
    assert "Recevoir un rappel avant la fin de mon crédit" in page
    form = page[
        page.index('id="notification-preferences"') : page.index(
            "</form>", page.index('id="notification-preferences"')
        )
    ]
    assert form.count('type="submit"') == 1  # one button for every choice


def test_one_submit_saves_every_choice(client, beneficiary):
    client.force_login(beneficiary)
    response = client.post(PAGE, {Topic.CREDIT_REMINDERS: "on"})
    assert response.status_code == 302 and response["Location"] == PAGE
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is False
    assert beneficiary.wants_credit_reminders is True
    client.post(PAGE, {Topic.SHOW_REMINDERS: "on"})
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is True
    assert beneficiary.wants_credit_reminders is False
    page = client.get(PAGE).content.decode()
    assert "tes choix de notifications sont à jour" in page
    assert f'id="{Topic.CREDIT_REMINDERS}" name="{Topic.CREDIT_REMINDERS}" aria' in page


def test_the_former_account_form_address_leads_to_the_preferences_page(client, beneficiary):
    client.force_login(beneficiary)
    response = client.post("/compte/rappels/", {})
    assert response.status_code == 302 and response["Location"] == PAGE
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is True  # a redirect changes nothing


def test_the_page_needs_a_signed_in_beneficiary(client, beneficiary):
    response = client.post(PAGE, {})
    assert response.status_code in (302, 403)
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is True


@pytest.mark.parametrize("topic", Topic.values)
def test_the_unsubscribe_link_turns_off_its_topic_only_without_signing_in(client, beneficiary, topic):
    response = client.get(f"{PREFIX}{unsubscribe_token(beneficiary, topic)}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "tu ne recevras plus de rappel" in page
    assert beneficiary.email not in page
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is (topic != Topic.SHOW_REMINDERS)
    assert beneficiary.wants_credit_reminders is (topic != Topic.CREDIT_REMINDERS)


def test_an_old_show_reminder_link_still_turns_the_reminders_off(client, beneficiary):
    response = client.get(f"{OLD_PREFIX}{legacy_unsubscribe_token(beneficiary)}/")
    assert response.status_code == 200
    assert "ne recevras plus de rappel avant tes séances" in response.content.decode()
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is False
    assert beneficiary.wants_credit_reminders is True


def test_one_click_post_from_the_mail_client_unsubscribes(client, beneficiary):
    client.handler.enforce_csrf_checks = True
    url = f"{PREFIX}{unsubscribe_token(beneficiary, Topic.CREDIT_REMINDERS)}/"
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    beneficiary.refresh_from_db()
    assert beneficiary.wants_credit_reminders is False


def test_a_tampered_link_is_refused_with_a_french_page(client, beneficiary):
    token = unsubscribe_token(beneficiary, Topic.SHOW_REMINDERS)
    for bad in (token[:-2] + "xx", "nimportequoi", token.replace(":", ".", 1), "a" * 300):
        response = client.get(f"{PREFIX}{bad}/")
        assert response.status_code == 400
        assert "Ce lien de désabonnement" in response.content.decode()
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is True


def test_a_token_signed_for_another_purpose_or_topic_is_refused(client, beneficiary):
    other_purpose = signing.dumps({"u": beneficiary.pk}, salt="another.purpose", compress=True)
    unknown_topic = signing.dumps(
        {"u": beneficiary.pk, "t": "is_staff"}, salt="passculture.notifications.unsubscribe", compress=True
    )
    for forged in (other_purpose, unknown_topic):
        assert client.get(f"{PREFIX}{forged}/").status_code == 400
    beneficiary.refresh_from_db()
    assert beneficiary.wants_show_reminders is True and beneficiary.wants_credit_reminders is True
