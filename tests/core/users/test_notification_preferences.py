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
