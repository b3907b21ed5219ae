"""The QR code of a booking as inline SVG (segno): no image request, so it shows offline too."""

import segno
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# About 260 px wide for the payload's symbol (29 modules + 2 x 4 of quiet zone = 37 modules x 7 px):
# comfortably read by a counter's phone or scanner from a phone screen.
QR_SCALE = 7
# The quiet zone of the standard: scanners need it to find the code.
QR_BORDER = 4


def qr_svg(payload: str, *, label: str) -> SafeString:
    """Dark modules on a white background whatever the page's colours (dark mode included); a viewBox
    so that CSS may shrink it on a narrow screen, and its natural size otherwise."""
    qr = segno.make(payload, error="m", micro=False)
    size = qr.symbol_size(scale=QR_SCALE, border=QR_BORDER)[0]
    svg = qr.svg_inline(
        scale=QR_SCALE,
        border=QR_BORDER,
        dark="#000000",
        light="#ffffff",
        svgclass="qr-code",
        lineclass=None,
        omitsize=True,
    )
    attributes = f'<svg width="{size}" height="{size}" role="img" aria-label="{escape(label)}" '
    # segno's output is markup it built itself from the payload's modules: nothing of the input is echoed.
    return mark_safe(svg.replace("<svg ", attributes, 1))  # noqa: S308
