import pytest

from passculture.core.users.factories import UserFactory
from passculture.core.users.models import User
from passculture.core.users.notification_preferences import FIELDS, Topic, set_preference, wants

pytestmark = pytest.mark.django_db


def test_every_topic_has_a_column_on_by_default():
    user = UserFactory()
    assert set(FIELDS) == set(Topic.values)
    assert all(wants(user, topic) for topic in Topic.values)


@pytest.mark.parametrize("topic", Topic.values)
def test_a_topic_turned_off_stays_off(topic):
    user = UserFactory()
    set_preference(user, topic, False)
    assert not wants(user, topic)
    assert not wants(User.objects.get(pk=user.pk), topic)
    others = [t for t in Topic.values if t != topic]
    assert all(wants(User.objects.get(pk=user.pk), t) for t in others)


def test_a_token_names_its_user_and_topic_and_the_old_kind_means_show_reminders():
    from passculture.core.users.notification_preferences import unsubscribe, unsubscribe_token
    from passculture.core.users.reminder_preferences import legacy_unsubscribe_token

    user = UserFactory()
    assert unsubscribe(unsubscribe_token(user, Topic.CREDIT_REMINDERS)) == (user, Topic.CREDIT_REMINDERS)
    assert unsubscribe(legacy_unsubscribe_token(user))[1] == Topic.SHOW_REMINDERS
    user.refresh_from_db()
    assert not wants(user, Topic.CREDIT_REMINDERS) and not wants(user, Topic.SHOW_REMINDERS)


def test_saving_the_page_sets_every_topic_at_once():
    from passculture.core.users.notification_preferences import preferences_of, set_preferences

    user = UserFactory()
    set_preferences(user, {Topic.CREDIT_REMINDERS: True})
    assert preferences_of(User.objects.get(pk=user.pk)) == {
        Topic.SHOW_REMINDERS: False,
        Topic.CREDIT_REMINDERS: True,
    }
