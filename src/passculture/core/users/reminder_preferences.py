"""The beneficiary's choice about reminder emails before a show, and its one-click unsubscribe link
(decision 0031): a signed token, so that the link works without signing in and cannot be forged."""

from django.core import signing

from passculture.core.common.exceptions import DomainError

from .models import User
from .notification_preferences import Topic, set_preference

UNSUBSCRIBE_SALT = "passculture.show-reminders.unsubscribe"


class InvalidUnsubscribeLink(DomainError):
    code = "INVALID_UNSUBSCRIBE_LINK"
    message = (
        "Ce lien de désabonnement n'est pas valide. Vous pouvez désactiver les rappels depuis votre compte."
    )


def unsubscribe_token(user: User) -> str:
    # No expiry: an unsubscribe link must keep working in an old email.
    return signing.dumps({"u": user.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def set_show_reminders(user: User, wanted: bool) -> None:
    set_preference(user, Topic.SHOW_REMINDERS, wanted)


def unsubscribe_from_show_reminders(token: str) -> User:
    """Turns the reminders off for the user the token was signed for; idempotent."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = User.objects.get(pk=int(data["u"]))
    except (signing.BadSignature, User.DoesNotExist, KeyError, TypeError, ValueError) as error:
        raise InvalidUnsubscribeLink() from error
    set_show_reminders(user, False)
    return user
