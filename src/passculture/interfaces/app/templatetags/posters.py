"""{% poster image title %}: a poster as a responsive image, or a designed stand-in, never a grey box.

`image` is a stored poster (an ImageField's file, or None). The browser picks among the WebP renditions
(core.common.renditions) the narrowest that covers `width` CSS pixels at its pixel ratio; the stored JPEG
stays the `src` of browsers without srcset. Posters below the fold load lazily; the first ones of a page
pass `eager=True` (the largest paint of the home page is its first poster).
"""

from django import template
from django.utils.html import format_html, format_html_join

from passculture.core.common.renditions import RENDITION_WIDTHS, stored_renditions

register = template.Library()
# Posters are 2:3; stored at most 800 pixels wide (offers.images.MAX_WIDTH).
RATIO = 1.5
MAX_STORED_WIDTH = 800


def _initials(title: str) -> str:
    words = [w for w in (title or "").split() if w[:1].isalnum()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


@register.simple_tag
def poster(image, title="", width=120, eager=False, css_class="", alt=""):
    width = int(width)
    height = round(width * RATIO)
    classes = f"pc-poster {css_class}".strip()
    if not image:
        return format_html(
            '<span class="{} pc-poster--none" aria-hidden="true"><span>{}</span></span>',
            classes,
            _initials(title),
        )
    storage = image.storage
    candidates = [(storage.url(name), w) for w, name in stored_renditions(storage, image.name)]
    if candidates:
        # Renditions are only made narrower than the original, which is at most MAX_STORED_WIDTH: with
        # the widest one present the original is wider than it, else it is at most that wide. Close
        # enough for the browser's choice, without opening the file on every page.
        widest = candidates[-1][1]
        candidates.append(
            (image.url, MAX_STORED_WIDTH if widest == RENDITION_WIDTHS[-1] else RENDITION_WIDTHS[-1])
        )
    srcset = format_html_join(", ", "{} {}w", candidates) if candidates else ""
    return format_html(
        '<img class="{}" src="{}"{} alt="{}" width="{}" height="{}" loading="{}" decoding="async">',
        classes,
        image.url,
        format_html(' srcset="{}" sizes="{}px"', srcset, width) if srcset else "",
        alt,
        width,
        height,
        "eager" if eager else "lazy",
    )
