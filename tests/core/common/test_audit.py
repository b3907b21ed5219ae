import pytest

from passculture.core.common.audit import log_action
from passculture.core.common.models import AuditLog
from passculture.core.offerers.factories import VenueFactory
from passculture.core.users.factories import ProFactory


@pytest.fixture
def entry(db):
    return log_action("venue.updated", actor=ProFactory(), target=VenueFactory(), data={"field": "name"})


def test_log_action_records_who_did_what_on_which_object(entry):
    stored = AuditLog.objects.get(pk=entry.pk)
    assert stored.action == "venue.updated"
    assert stored.actor_label == stored.actor.email
    assert stored.target_type == "offerers.venue"
    assert stored.target_id == entry.target_id
    assert stored.data == {"field": "name"}


def test_log_action_names_a_non_user_actor_by_its_label(db):
    stored = log_action("booking.auto_validated", actor_label="auto")
    assert stored.actor is None
    assert stored.actor_label == "auto"


def test_audit_entry_cannot_be_modified(entry):
    entry.action = "forged"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    assert AuditLog.objects.get(pk=entry.pk).action == "venue.updated"


def test_audit_entry_cannot_be_deleted(entry):
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditLog.objects.filter(pk=entry.pk).exists()


def test_audit_log_cannot_be_bulk_updated_nor_bulk_deleted(entry):
    with pytest.raises(ValueError, match="append-only"):
        AuditLog.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(ValueError, match="append-only"):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=entry.pk).action == "venue.updated"


def test_deleting_a_user_keeps_their_audit_entries(entry):
    user = entry.actor
    user.delete()
    stored = AuditLog.objects.get(pk=entry.pk)
    assert stored.actor is None
    assert stored.actor_label == user.email
