"""The beneficiary's choice about reminder emails before a show (decision 0031), now one topic among
others (notification_preferences, decision 0033). Kept for its callers; the token it signed before
topics existed is still read by `notification_preferences.unsubscribe`."""

from django.core import signing

from .models import User
from .notification_preferences import (
    LEGACY_SHOW_REMINDERS_SALT,
    InvalidUnsubscribeLink,
    Topic,
    set_preference,
    unsubscribe,
)

UNSUBSCRIBE_SALT = LEGACY_SHOW_REMINDERS_SALT

__all__ = [
    "InvalidUnsubscribeLink",
    "legacy_unsubscribe_token",
    "set_show_reminders",
    "unsubscribe_from_show_reminders",
]


def legacy_unsubscribe_token(user: User) -> str:
    """The token decision 0031's emails carried (tests prove such links still work)."""
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def set_show_reminders(user: User, wanted: bool) -> None:
    set_preference(user, Topic.SHOW_REMINDERS, wanted)


def unsubscribe_from_show_reminders(token: str) -> User:
    user, _ = unsubscribe(token)
    return user
