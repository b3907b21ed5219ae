import io

import pytest
from django.urls import reverse
from PIL import Image

from passculture.core.identity.constants import CheckStatus
from passculture.core.identity.models import IdentityCheck
from passculture.core.users.models import User
from passculture.demo import data
from passculture.demo.identity import create_pending_identity_check
from passculture.demo.summary import account_rows

pytestmark = pytest.mark.usefixtures("demo")


def _check() -> IdentityCheck:
    return IdentityCheck.objects.get(user__email=data.YOUNG_PENDING_EMAIL)


def test_a_demo_beneficiary_waits_for_the_staff_review_with_a_specimen_photo(db):
    check = _check()
    assert check.status == CheckStatus.SUBMITTED
    assert not check.user.deposits.exists()
    with check.document_photo.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as image:
        assert image.format == "JPEG" and image.size == (1000, 630)


def test_the_demo_staff_account_can_review_it(db, client):
    client.force_login(User.objects.get(email=data.ADMIN_EMAIL))
    queue = client.get(reverse("backoffice:identity-checks")).content.decode()
    assert data.YOUNG_PENDING_EMAIL in queue
    review = client.get(reverse("backoffice:identity-check", args=[_check().pk]))
    assert review.status_code == 200 and 'id="identity-mismatch-warning"' not in review.content.decode()
    photo = client.get(reverse("backoffice:identity-check-photo", args=[_check().pk]))
    # Read to the end: the test client then closes the streamed file, as a WSGI server does.
    assert b"".join(photo.streaming_content)
    assert photo.status_code == 200


def test_the_accounts_table_says_the_identity_is_being_checked(db):
    row = next(row for row in account_rows() if row.email == data.YOUNG_PENDING_EMAIL)
    assert "identité en cours de vérification" in row.situation


def test_creating_it_again_changes_nothing(db, demo):
    before = (User.objects.count(), IdentityCheck.objects.count())
    assert create_pending_identity_check(demo.at).pk == _check().pk
    assert (User.objects.count(), IdentityCheck.objects.count()) == before
