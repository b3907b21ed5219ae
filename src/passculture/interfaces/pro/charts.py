"""Charts of the pro home page, drawn on the server as SVG: no JavaScript, nothing to download.

Each chart is an image with a title and a description (`role="img"`, `aria-labelledby`); the page shows
its numbers in a table too ("Voir les données"), the text alternative. Text is escaped here: film titles
come from pros and Allociné. The viewBox is sized for the ~880 px content column, and the SVG scales
down with it.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from passculture.core.common.time import FRENCH_MONTHS

BAR_COLOR = "#000091"  # DSFR blue France
AXIS_COLOR = "#666666"
GRID_COLOR = "#dddddd"
TEXT_COLOR = "#3a3a3a"
FONT = 'font-family="Marianne, arial, sans-serif"'

SHORT_MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


@dataclass(frozen=True)
class Point:
    label: str
    value: int


def short_day(day: dt.date) -> str:
    """`7 mars`, `1er janv.`."""
    return f"{'1er' if day.day == 1 else day.day} {SHORT_MONTHS[day.month - 1]}"


def long_day(day: dt.date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {FRENCH_MONTHS[day.month - 1]} {day.year}"


def nice_ceiling(value: int) -> int:
    """The axis top: the first of 1, 2, 5, 10, 20, 50... x 10^n that holds `value` (at least 4, so that
    the grid lines fall on whole numbers)."""
    if value <= 4:
        return 4
    magnitude = 1
    while True:
        for step in (1, 2, 4, 5):
            if step * magnitude * 4 >= value:
                return step * magnitude * 4
        magnitude *= 10


def _svg_open(
    chart_id: str, width: int, height: int, title: str, description: str, font_size: int = 13
) -> str:
    return (
        f'<svg class="pro-chart" id="{escape(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" {FONT} font-size="{font_size}" fill="{TEXT_COLOR}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
    )


def daily_bars(
    days: Sequence[tuple[dt.date, int]], *, chart_id: str, title: str, unit: str = "réservation"
) -> SafeString:
    """A column per day, oldest on the left; the y axis in bookings with 4 grid lines, the x axis
    labelled every 7 days counting back from the last (today), which is always labelled."""
    width, height = 840, 240
    left, right, top, bottom = 40, 28, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [count for _, count in days]
    peak = max(values, default=0)
    axis_top = nice_ceiling(peak)
    total = sum(values)
    if days:
        description = (
            f"Du {long_day(days[0][0])} au {long_day(days[-1][0])} : {total} {unit}{'s' if total > 1 else ''} "
            f"au total, au plus {peak} en un jour."
        )
    else:
        description = "Aucune donnée."
    parts = [_svg_open(chart_id, width, height, title, description)]
    for step in range(5):
        value = axis_top * step // 4
        y = top + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{AXIS_COLOR if step == 0 else GRID_COLOR}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    slot = plot_w / len(days) if days else plot_w
    bar_w = max(2.0, slot * 0.7)
    for index, (day, count) in enumerate(days):
        x = left + index * slot + (slot - bar_w) / 2
        bar_h = plot_h * count / axis_top if axis_top else 0
        label = f"{short_day(day)} : {count}"
        if count:
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - bar_h:.1f}" width="{bar_w:.1f}" height="{bar_h:.1f}" '
                f'fill="{BAR_COLOR}"><title>{escape(label)}</title></rect>'
            )
        if (len(days) - 1 - index) % 7 == 0:
            parts.append(
                f'<text x="{x + bar_w / 2:.1f}" y="{height - bottom + 18}" text-anchor="middle">'
                f"{escape(short_day(day))}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _clip(text: str, length: int) -> str:
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def horizontal_bars(
    points: Sequence[Point], *, chart_id: str, title: str, unit: str = "réservation"
) -> SafeString:
    """One row per item, the largest first as given: its label on the left (clipped, the full one in the
    data table), a bar, and the value after it."""
    row_h, gap = 26, 10
    width = 420
    label_w, value_w = 170, 40
    plot_w = width - label_w - value_w
    height = max(1, len(points)) * (row_h + gap)
    peak = max((point.value for point in points), default=0)
    description = (
        "; ".join(f"{point.label} : {point.value} {unit}{'s' if point.value > 1 else ''}" for point in points)
        or "Aucune donnée."
    )
    parts = [_svg_open(chart_id, width, height, title, description, font_size=14)]
    for index, point in enumerate(points):
        y = index * (row_h + gap)
        bar_w = plot_w * point.value / peak if peak else 0
        parts.append(
            f'<text x="0" y="{y + row_h / 2 + 5:.1f}">{escape(_clip(point.label, 22))}</text>'
            f'<rect x="{label_w}" y="{y}" width="{max(bar_w, 1):.1f}" height="{row_h}" fill="{BAR_COLOR}">'
            f"<title>{escape(point.label)} : {point.value}</title></rect>"
            f'<text x="{label_w + bar_w + 6:.1f}" y="{y + row_h / 2 + 5:.1f}">{point.value}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped
