"""{{ offerer.name|de }}: "du Carré Nantais", "de la Cité", "des Écrans" (core.common.text.of_name)."""

from django import template

from passculture.core.common.text import of_name

register = template.Library()


@register.filter(name="de")
def de(name) -> str:
    return of_name(str(name or ""))
