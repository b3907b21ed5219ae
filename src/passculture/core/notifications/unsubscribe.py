"""The one-click unsubscribe of every non-transactional email (decision 0033): a link in the body and the
List-Unsubscribe headers (RFC 2369, RFC 8058), both carrying a token signed for the user and the topic."""

from django.conf import settings
from django.urls import reverse

from passculture.core.users.notification_preferences import unsubscribe_token


def unsubscribe_url(user, topic: str) -> str:
    path = reverse("app:unsubscribe", kwargs={"token": unsubscribe_token(user, topic)})
    return f"{settings.PUBLIC_BASE_URL}{path}"


def unsubscribe_headers(url: str) -> dict:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
