"""`{% app_stylesheets %}`: the <link> tags of assets.STYLESHEETS (one list for pages and service worker)."""

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join

from ..assets import STYLESHEETS

register = template.Library()


@register.simple_tag
def app_stylesheets() -> str:
    return format_html_join(
        "\n  ", '<link rel="stylesheet" href="{}">', ((static(path),) for path in STYLESHEETS)
    )


@register.simple_tag
def app_stylesheet(path: str) -> str:
    """One more DSFR component for one page, e.g. {% app_stylesheet "dsfr/dist/component/table/table.main.min.css" %}."""
    return format_html('<link rel="stylesheet" href="{}">', static(path))
