"""What a person chose to be told, by topic (issue 16 point 7, decision 0033).

Transactional messages (a booking made, cancelled or moved, the credit granted, a sign-in link) are
always sent: they are part of the service. Every other message belongs to a topic the person can turn
off, on the preferences page or through the unsubscribe link of each email; a topic covers every
channel (email and web push). Each topic is one boolean column on the user, on by default.

The unsubscribe link carries a signed token naming the user and the topic: it works without signing
in, cannot be forged nor turned into another topic's link, and never expires (an old email must keep
working). Links of the show reminders signed before topics existed (decision 0031, their own salt and
no topic) still turn the show reminders off.
"""

from django.core import signing
from django.db import models

from passculture.core.common.exceptions import DomainError

from .models import User


class Topic(models.TextChoices):
    SHOW_REMINDERS = "show_reminders", "Rappels avant mes séances"
    CREDIT_REMINDERS = "credit_reminders", "Rappels sur mon crédit"


# The user's column for each topic.
FIELDS: dict[str, str] = {
    Topic.SHOW_REMINDERS: "wants_show_reminders",
    Topic.CREDIT_REMINDERS: "wants_credit_reminders",
}

UNSUBSCRIBE_SALT = "passculture.notifications.unsubscribe"
# Decision 0031's links, in emails already delivered: a user id only, meaning the show reminders.
LEGACY_SHOW_REMINDERS_SALT = "passculture.show-reminders.unsubscribe"
# Bounds the work done on an input from a URL; real tokens are under 60 characters.
MAX_TOKEN_LENGTH = 200


class InvalidUnsubscribeLink(DomainError):
    code = "INVALID_UNSUBSCRIBE_LINK"
    message = "Ce lien de désabonnement n'est pas valide. Vous pouvez choisir vos notifications depuis votre compte."


def wants(user: User, topic: str) -> bool:
    return bool(getattr(user, FIELDS[topic]))


def set_preference(user: User, topic: str, wanted: bool) -> None:
    field = FIELDS[topic]
    User.objects.filter(pk=user.pk).update(**{field: wanted})
    setattr(user, field, wanted)


def set_preferences(user: User, choices: dict[str, bool]) -> None:
    """Every topic at once (the preferences page): a topic missing from `choices` is turned off, as an
    unticked checkbox is missing from a form."""
    values = {FIELDS[topic]: bool(choices.get(topic, False)) for topic in Topic.values}
    User.objects.filter(pk=user.pk).update(**values)
    for field, value in values.items():
        setattr(user, field, value)


def preferences_of(user: User) -> dict[str, bool]:
    return {topic: wants(user, topic) for topic in Topic.values}


def unsubscribe_token(user: User, topic: str) -> str:
    if topic not in FIELDS:
        raise ValueError(topic)
    return signing.dumps({"u": user.pk, "t": str(topic)}, salt=UNSUBSCRIBE_SALT, compress=True)


def _read_token(token: str) -> tuple[int, str]:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidUnsubscribeLink()
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), str(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        pass
    try:
        data = signing.loads(token, salt=LEGACY_SHOW_REMINDERS_SALT)
        return int(data["u"]), Topic.SHOW_REMINDERS
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidUnsubscribeLink() from error


def unsubscribe(token: str) -> tuple[User, Topic]:
    """Turns off the topic the token was signed for, for its user; idempotent. Returns both (the page
    names the topic, never the address)."""
    user_id, topic = _read_token(token)
    if topic not in FIELDS:
        raise InvalidUnsubscribeLink()
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise InvalidUnsubscribeLink()
    set_preference(user, topic, False)
    return user, Topic(topic)
