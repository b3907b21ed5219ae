"""What a person chose to be told, by topic (issue 16 point 7).

Transactional messages (a booking made, cancelled or moved, the credit granted, a sign-in link) are
always sent: they are part of the service. Every other message belongs to a topic the person can turn
off, on the preferences page or through the unsubscribe link of each email; a topic covers every
channel (email and web push). Each topic is one boolean column on the user, on by default.
"""

from django.db import models

from .models import User


class Topic(models.TextChoices):
    SHOW_REMINDERS = "show_reminders", "Rappels avant mes séances"
    CREDIT_REMINDERS = "credit_reminders", "Rappels sur mon crédit"


# The user's column for each topic.
FIELDS: dict[str, str] = {
    Topic.SHOW_REMINDERS: "wants_show_reminders",
    Topic.CREDIT_REMINDERS: "wants_credit_reminders",
}


def wants(user: User, topic: str) -> bool:
    return bool(getattr(user, FIELDS[topic]))


def set_preference(user: User, topic: str, wanted: bool) -> None:
    field = FIELDS[topic]
    User.objects.filter(pk=user.pk).update(**{field: wanted})
    setattr(user, field, wanted)
