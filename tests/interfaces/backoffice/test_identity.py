import datetime as dt
import html

import pytest
from django.urls import reverse

from passculture.core.common.models import AuditLog
from passculture.core.credit.models import Deposit
from passculture.core.identity.constants import CheckStatus
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.identity.models import IdentityCheck
from passculture.core.users.factories import ProFactory, StaffFactory, UserFactory
from tests.identity_helpers import jpeg_bytes, private_documents  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_documents")]


@pytest.fixture
def staff_client(client):
    client.force_login(StaffFactory())
    return client


def review_url(check) -> str:
    return reverse("backoffice:identity-check", args=[check.pk])


def photo_url(check) -> str:
    return reverse("backoffice:identity-check-photo", args=[check.pk])


def approve_url(check) -> str:
    return reverse("backoffice:identity-check-approve", args=[check.pk])


def reject_url(check) -> str:
    return reverse("backoffice:identity-check-reject", args=[check.pk])


def submitted_at(days_ago: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)


# --- Queue ----------------------------------------------------------------------------------------


def test_the_queue_lists_open_checks_oldest_first(staff_client):
    recent = IdentityCheckFactory(submitted_at=submitted_at(1), user__email="recent@example.com")
    old = IdentityCheckFactory(submitted_at=submitted_at(5), user__email="old@example.com")
    IdentityCheckFactory(status=CheckStatus.REJECTED, reviewed_at=submitted_at(0), rejection_reason="OTHER",
                         user__email="done@example.com")  # fmt: skip
    content = staff_client.get(reverse("backoffice:identity-checks")).content.decode()
    assert content.index(old.user.email) < content.index(recent.user.email)
    assert "done@example.com" not in content


def test_the_queue_filters_by_status(staff_client):
    IdentityCheckFactory(user__email="open@example.com")
    IdentityCheckFactory(status=CheckStatus.REJECTED, reviewed_at=submitted_at(0), rejection_reason="OTHER",
                         user__email="done@example.com")  # fmt: skip
    url = reverse("backoffice:identity-checks")
    rejected = staff_client.get(url, {"status": "REJECTED"}).content.decode()
    assert "done@example.com" in rejected and "open@example.com" not in rejected
    everything = staff_client.get(url, {"status": "ALL"}).content.decode()
    assert "done@example.com" in everything and "open@example.com" in everything
    unknown = staff_client.get(url, {"status": "<script>"}).content.decode()
    assert "open@example.com" in unknown and "<script>" not in unknown


def test_the_queue_flags_mismatches_with_the_account(staff_client):
    IdentityCheckFactory(last_name="Quelquundautre")
    content = staff_client.get(reverse("backoffice:identity-checks")).content.decode()
    assert 'class="identity-mismatch">Nom<' in content


def test_the_queue_query_count_does_not_grow_with_its_rows(staff_client, django_assert_max_num_queries):
    IdentityCheckFactory()
    with django_assert_max_num_queries(20) as few:
        staff_client.get(reverse("backoffice:identity-checks"))
    IdentityCheckFactory.create_batch(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(reverse("backoffice:identity-checks"))


def test_the_queues_page_counts_open_checks(staff_client):
    IdentityCheckFactory.create_batch(2)
    content = html.unescape(staff_client.get(reverse("backoffice:queues")).content.decode())
    tile = content.split('data-queue="identity_checks"')[1].split("</li>")[0]
    assert "Vérifications d'identité à examiner" in tile
    assert '<span class="bo-tile__count">2</span>' in tile


# --- Review page ----------------------------------------------------------------------------------


def test_the_review_page_shows_the_account_and_the_document_side_by_side(staff_client):
    user = UserFactory(first_name="Jeanne", last_name="Durand", birth_date=dt.date(2008, 1, 10))
    check = IdentityCheckFactory(
        user=user, first_name="Jeanne Marie", last_name="Dupont", birth_date=dt.date(2008, 1, 12),
        document_number="X4RTBPFW4", with_photo=True,
    )  # fmt: skip
    content = staff_client.get(review_url(check)).content.decode()
    assert 'id="identity-mismatch-warning"' in content
    assert '<tr class="identity-matches" data-field="first_name">' in content
    assert '<tr class="identity-differs" data-field="last_name">' in content
    assert '<tr class="identity-differs" data-field="birth_date">' in content
    assert "Durand" in content and "Dupont" in content
    assert "10/01/2008" in content and "12/01/2008" in content
    assert "X4RTBPFW4" in content
    assert f'src="{photo_url(check)}"' in content
    assert 'name="confirm_mismatch"' in content
    assert "300\u00a0€" in content


def test_the_review_page_warns_when_the_document_number_is_on_another_account(staff_client):
    IdentityCheckFactory(document_number="SAME123456", user__email="first@example.com")
    check = IdentityCheckFactory(document_number="SAME123456")
    content = staff_client.get(review_url(check)).content.decode()
    assert 'id="identity-duplicates"' in content and "first@example.com" in content


def test_an_unknown_check_is_404(staff_client):
    assert staff_client.get(reverse("backoffice:identity-check", args=[999])).status_code == 404


# --- Photo ----------------------------------------------------------------------------------------


def test_staff_see_the_photo_inline_never_cached_nor_sniffed(staff_client):
    check = IdentityCheckFactory(with_photo=True)
    response = staff_client.get(photo_url(check))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body[:3] == b"\xff\xd8\xff"
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'inline; filename="piece-identite-{check.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert AuditLog.objects.filter(action="identity_check.photo_viewed", target_id=str(check.pk)).exists()


def test_the_photo_has_no_public_url():
    check = IdentityCheckFactory(with_photo=True)
    with pytest.raises(ValueError):
        check.document_photo.url  # noqa: B018


def test_a_stored_file_that_is_not_an_image_is_never_served(staff_client, private_documents):  # noqa: F811
    check = IdentityCheckFactory(with_photo=True)
    (private_documents / check.document_photo.name).write_bytes(b"<html><script>alert(1)</script></html>")
    assert staff_client.get(photo_url(check)).status_code == 404


def test_a_check_without_photo_has_no_photo_page(staff_client):
    assert staff_client.get(photo_url(IdentityCheckFactory())).status_code == 404


@pytest.mark.parametrize(
    "make_user", [None, UserFactory, ProFactory], ids=["anonymous", "beneficiary", "pro"]
)
def test_only_staff_reach_the_photo_the_queue_and_the_review(client, make_user):
    check = IdentityCheckFactory(with_photo=True)
    if make_user is not None:
        client.force_login(make_user())
    for url in (photo_url(check), review_url(check), reverse("backoffice:identity-checks")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login"))
        assert jpeg_bytes()[:3] not in response.content


@pytest.mark.parametrize("make_user", [UserFactory, ProFactory], ids=["beneficiary", "pro"])
def test_non_staff_cannot_decide(client, make_user):
    check = IdentityCheckFactory()
    client.force_login(make_user())
    assert client.post(approve_url(check)).status_code == 302
    assert client.post(reject_url(check), {"reason": "OTHER", "comment": "non"}).status_code == 302
    check.refresh_from_db()
    assert check.status == CheckStatus.SUBMITTED
    assert not Deposit.objects.exists()


# --- Decisions ------------------------------------------------------------------------------------


def test_staff_approve_and_the_credit_is_granted(staff_client):
    check = IdentityCheckFactory()
    response = staff_client.post(approve_url(check), follow=True)
    assert response.redirect_chain[-1][0] == reverse("backoffice:identity-checks")
    assert "crédit de 300\u00a0€ attribué" in response.content.decode()
    check.refresh_from_db()
    assert check.status == CheckStatus.APPROVED
    assert check.deposit.user == check.user


def test_approving_a_mismatch_needs_the_confirmation_box(staff_client):
    check = IdentityCheckFactory(last_name="Autrenom")
    response = staff_client.post(approve_url(check), follow=True)
    assert response.redirect_chain[-1][0] == review_url(check)
    assert "diffèrent de celles du compte" in response.content.decode()
    assert IdentityCheck.objects.get(pk=check.pk).status == CheckStatus.SUBMITTED

    staff_client.post(approve_url(check), {"confirm_mismatch": "1"})
    assert IdentityCheck.objects.get(pk=check.pk).status == CheckStatus.APPROVED


def test_approving_twice_shows_that_it_was_already_handled(staff_client):
    check = IdentityCheckFactory()
    staff_client.post(approve_url(check))
    response = staff_client.post(approve_url(check), follow=True)
    assert "déjà été traitée" in response.content.decode()
    assert Deposit.objects.count() == 1


def test_staff_reject_with_a_reason(staff_client):
    check = IdentityCheckFactory()
    staff_client.post(reject_url(check), {"reason": "DOCUMENT_EXPIRED", "comment": "Expirée."})
    check.refresh_from_db()
    assert (check.status, check.rejection_reason, check.rejection_comment) == (
        "REJECTED",
        "DOCUMENT_EXPIRED",
        "Expirée.",
    )


def test_rejecting_without_a_reason_is_refused(staff_client):
    check = IdentityCheckFactory()
    response = staff_client.post(reject_url(check), {"reason": ""}, follow=True)
    assert "Choisissez un motif" in response.content.decode()
    assert IdentityCheck.objects.get(pk=check.pk).status == CheckStatus.SUBMITTED


def test_a_decided_check_shows_the_decision_and_no_buttons(staff_client):
    check = IdentityCheckFactory()
    staff_client.post(reject_url(check), {"reason": "OTHER", "comment": "Photo d'un écran."})
    content = staff_client.get(review_url(check)).content.decode()
    assert 'id="identity-rejection"' in content and "Photo d&#x27;un écran." in content
    assert 'id="identity-approve"' not in content
