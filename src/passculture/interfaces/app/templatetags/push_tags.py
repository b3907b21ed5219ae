"""`{% vapid_public_key as key %}`: the server key a browser subscribes with (empty when web push is not
configured), so that the "notifications sur cet appareil" partial works in any page that includes it."""

from django import template

from passculture.core.notifications.push_keys import public_key

register = template.Library()


@register.simple_tag
def vapid_public_key() -> str:
    return public_key()
