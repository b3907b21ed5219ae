import pytest
from django.urls import reverse

from passculture.core.common.models import AuditLog
from passculture.core.common.time import now
from passculture.core.finance.constants import BankAccountStatus
from passculture.core.finance.factories import IBAN_LA_BANQUE_POSTALE, BankAccountFactory
from passculture.core.notifications.models import OutboxEmail
from passculture.core.users.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def accept_url(account) -> str:
    return reverse("backoffice:bank-account-accept", args=[account.pk])


def reject_url(account) -> str:
    return reverse("backoffice:bank-account-reject", args=[account.pk])


def test_the_queue_shows_pending_details_in_full_to_staff(staff_client):
    account = BankAccountFactory(venue__name="Ciné Bellecour", holder="Bellecour SAS")
    content = staff_client.get(reverse("backoffice:bank-accounts")).content.decode()
    for expected in (
        "Ciné Bellecour",
        account.venue.offerer.name,
        account.venue.siret,
        "Bellecour SAS",
        "FR76 3000 6000 0112 3456 7890 189",
        "AGRIFRPP",
        "CREDIT AGRICOLE SA",
    ):
        assert expected in content


def test_the_queue_shows_the_previous_details_of_a_change(staff_client):
    old = BankAccountFactory(accepted=True, archived_at=now())
    BankAccountFactory(venue=old.venue, iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
    content = staff_client.get(reverse("backoffice:bank-accounts")).content.decode()
    assert "FR14 2004 1010 0505 0001 3M02 606" in content
    assert "FR76 3000 6000 0112 3456 7890 189" in content
    assert "IBAN modifié" in content


def test_the_queue_query_count_does_not_grow_with_its_rows(staff_client, django_assert_max_num_queries):
    old = BankAccountFactory(accepted=True, archived_at=now())
    BankAccountFactory(venue=old.venue, iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
    with django_assert_max_num_queries(20) as few:
        staff_client.get(reverse("backoffice:bank-accounts"))
    for _ in range(5):
        changed = BankAccountFactory(accepted=True, archived_at=now())
        BankAccountFactory(venue=changed.venue, iban=IBAN_LA_BANQUE_POSTALE, bic="PSSTFRPP")
        BankAccountFactory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        content = staff_client.get(reverse("backoffice:bank-accounts")).content.decode()
    assert content.count("IBAN modifié") == 6


def test_the_queues_page_counts_pending_details(staff_client):
    BankAccountFactory()
    content = staff_client.get(reverse("backoffice:queues")).content.decode()
    tile = content.split('data-queue="bank_accounts"')[1].split("</li>")[0]
    assert "Coordonnées bancaires à vérifier" in tile
    assert '<span class="bo-tile__count">1</span>' in tile


def test_staff_accept_from_the_queue(staff_client):
    account = BankAccountFactory()
    response = staff_client.post(accept_url(account))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.status == BankAccountStatus.ACCEPTED
    assert AuditLog.objects.filter(action="bank_account.accepted").count() == 1
    assert OutboxEmail.objects.filter(kind="bank_account_accepted").count() == 1


def test_staff_reject_from_the_queue_with_a_reason(staff_client):
    account = BankAccountFactory()
    staff_client.post(reject_url(account), {"reason": "Titulaire différent"})
    account.refresh_from_db()
    assert account.status == BankAccountStatus.REJECTED
    assert account.rejection_reason == "Titulaire différent"
    assert AuditLog.objects.filter(action="bank_account.rejected").count() == 1


def test_a_rejection_without_reason_is_refused_with_a_message(staff_client):
    account = BankAccountFactory()
    response = staff_client.post(reject_url(account), {"reason": ""}, follow=True)
    assert "Indiquez le motif du refus" in response.content.decode()
    account.refresh_from_db()
    assert account.status == BankAccountStatus.PENDING


@pytest.mark.parametrize("url", [accept_url, reject_url])
def test_non_staff_cannot_decide_on_bank_details(client, pro, venue, url):
    account = BankAccountFactory(venue=venue)
    client.force_login(pro)
    response = client.post(url(account), {"reason": "non"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    account.refresh_from_db()
    assert account.status == BankAccountStatus.PENDING
    assert not AuditLog.objects.filter(action__startswith="bank_account.").exists()


def test_non_staff_cannot_see_the_queue(client, pro):
    BankAccountFactory()
    client.force_login(pro)
    response = client.get(reverse("backoffice:bank-accounts"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_queue_actions_are_post_only(staff_client):
    account = BankAccountFactory()
    assert staff_client.get(accept_url(account)).status_code == 405


def test_bank_accounts_are_listed_in_the_admin(staff_client):
    BankAccountFactory(holder="Titulaire admin")
    response = staff_client.get(reverse("admin:finance_bankaccount_changelist"))
    assert response.status_code == 200
    assert "Titulaire admin" in response.content.decode()
