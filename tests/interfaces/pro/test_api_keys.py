"""The API keys page: admins create (shown once) and revoke the offerer's keys; members only see them."""

import re

import pytest
from django.urls import reverse

from passculture.core.offerers import api_keys
from passculture.core.offerers.constants import MembershipRole
from passculture.core.offerers.factories import MembershipFactory, OffererFactory
from passculture.core.offerers.models import ApiKey
from passculture.core.users.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = reverse("pro:api-keys")
CREATE = reverse("pro:api-key-create")
KEY_RE = re.compile(r"[a-z0-9]+_[0-9a-f]{12}_[0-9a-f]{64}")


@pytest.fixture
def offerer():
    return OffererFactory(name="Ciné Lumière")


@pytest.fixture
def admin(offerer):
    return MembershipFactory(offerer=offerer, role=MembershipRole.ADMIN).user


@pytest.fixture
def editor(offerer):
    return MembershipFactory(offerer=offerer, role=MembershipRole.EDITOR).user


def revoke_url(key) -> str:
    return reverse("pro:api-key-revoke", args=[key.pk])


def test_the_page_is_for_pros_only(client):
    assert client.get(PAGE).status_code == 302
    client.force_login(UserFactory())
    assert client.get(PAGE).status_code == 302


def test_the_menu_links_to_the_page(client, admin):
    client.force_login(admin)

    assert f'href="{PAGE}"' in client.get(reverse("pro:dashboard")).content.decode()


def test_an_admin_creates_a_key_shown_once(client, admin, offerer):
    client.force_login(admin)

    response = client.post(CREATE, {"label": "Caisse 1"})

    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    shown = KEY_RE.findall(response.content.decode())
    assert len(shown) == 1
    key = ApiKey.objects.get(offerer=offerer)
    assert (key.label, key.created_by) == ("Caisse 1", admin)
    assert api_keys.authenticate_api_key(shown[0]) == key
    # Never again: the list shows the prefix only.
    again = client.get(PAGE).content.decode()
    assert key.prefix in again
    assert not KEY_RE.search(again)


def test_the_list_shows_prefix_creation_and_last_use(client, admin, offerer):
    created = api_keys.create_api_key(offerer.pk, actor=admin, label="Billetterie")
    client.force_login(admin)
    assert "Jamais" in client.get(PAGE).content.decode()

    api_keys.authenticate_api_key(created.clear_key)
    page = client.get(PAGE).content.decode()

    assert f"{created.key.environment}_{created.key.prefix}_…" in page
    assert "Billetterie" in page
    assert "Jamais" not in page


def test_an_admin_revokes_a_key(client, admin, offerer):
    created = api_keys.create_api_key(offerer.pk, actor=admin)
    client.force_login(admin)

    response = client.post(revoke_url(created.key))

    assert response.status_code == 302
    assert ApiKey.objects.get(pk=created.key.pk).revoked_at is not None
    assert "Révoquée le" in client.get(PAGE).content.decode()


def test_the_sixth_key_is_refused_with_a_message(client, admin, offerer):
    for _ in range(5):
        api_keys.create_api_key(offerer.pk, actor=admin)
    client.force_login(admin)
    assert 'id="api-keys-limit"' in client.get(PAGE).content.decode()

    response = client.post(CREATE)

    assert response.status_code == 409
    assert 'data-code="API_KEY_LIMIT_REACHED"' in response.content.decode()
    assert ApiKey.objects.count() == 5


def test_an_editor_sees_the_keys_but_cannot_create_nor_revoke(client, admin, editor, offerer):
    created = api_keys.create_api_key(offerer.pk, actor=admin)
    client.force_login(editor)

    page = client.get(PAGE).content.decode()
    assert created.key.prefix in page
    assert 'id="api-keys-readonly"' in page
    assert CREATE not in page and revoke_url(created.key) not in page

    assert client.post(CREATE).status_code == 403
    assert client.post(revoke_url(created.key)).status_code == 403
    assert ApiKey.objects.filter(revoked_at__isnull=True).count() == 1


def test_an_admin_of_another_offerer_cannot_revoke_nor_see_a_key(client, admin, offerer):
    created = api_keys.create_api_key(offerer.pk, actor=admin)
    stranger = MembershipFactory(role=MembershipRole.ADMIN).user
    client.force_login(stranger)

    assert created.key.prefix not in client.get(PAGE).content.decode()
    assert client.post(revoke_url(created.key)).status_code == 404
    assert ApiKey.objects.get(pk=created.key.pk).revoked_at is None


def test_a_key_is_created_for_the_current_offerer_only(client, admin, offerer):
    other = MembershipFactory(user=admin, role=MembershipRole.ADMIN, offerer__name="Autre ciné").offerer
    client.force_login(admin)
    client.post(reverse("pro:switch-offerer", args=[other.pk]))

    client.post(CREATE)

    assert ApiKey.objects.get().offerer == other


def test_a_pro_without_offerer_gets_no_key(client):
    from passculture.core.users.factories import ProFactory

    client.force_login(ProFactory())

    assert client.get(PAGE).status_code == 200
    assert client.post(CREATE).status_code == 404
    assert not ApiKey.objects.exists()


def test_a_too_long_label_is_refused(client, admin):
    client.force_login(admin)

    response = client.post(CREATE, {"label": "x" * 101})

    assert response.status_code == 400
    assert 'data-code="API_KEY_LABEL_TOO_LONG"' in response.content.decode()
    assert not ApiKey.objects.exists()
