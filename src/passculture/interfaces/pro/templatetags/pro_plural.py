"""French plurals: 0 and 1 are singular ("0 séance modifiée"), unlike Django's `pluralize`."""

from django import template

register = template.Library()


@register.filter
def fr_plural(value, suffix: str = "s") -> str:
    try:
        count = len(value) if isinstance(value, list | tuple | dict | set) else int(value)
    except (TypeError, ValueError):
        return ""
    return suffix if abs(count) > 1 else ""
