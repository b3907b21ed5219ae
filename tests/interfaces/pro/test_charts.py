"""The home page's SVG charts: an image with a title and a description, escaped text, French labels."""

import datetime as dt
import re
from xml.etree import ElementTree

from passculture.interfaces.pro import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output


def thirty_days(counts):
    last = dt.date(2026, 3, 11)
    return [(last - dt.timedelta(days=len(counts) - 1 - index), count) for index, count in enumerate(counts)]


def test_the_daily_chart_is_an_image_named_and_described_in_french():
    svg = parse(
        charts.daily_bars(thirty_days([0] * 28 + [3, 5]), chart_id="c", title="Réservations par jour")
    )
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c-title c-desc"
    assert svg.find(f"{SVG}title").text == "Réservations par jour"
    assert svg.find(f"{SVG}desc").text == (
        "Du 10 février 2026 au 11 mars 2026 : 8 réservations au total, au plus 5 en un jour."
    )


def test_the_daily_chart_draws_a_bar_per_day_with_bookings_and_labels_every_seventh_day_from_today():
    svg = parse(charts.daily_bars(thirty_days([1] * 30), chart_id="c", title="t"))
    assert len(svg.findall(f"{SVG}rect")) == 30
    labels = [text.text for text in svg.findall(f"{SVG}text")]
    assert labels[-1] == "11 mars"
    assert "4 mars" in labels and "1er mars" not in labels
    assert labels[:5] == ["0", "1", "2", "3", "4"]  # the y axis


def test_the_axis_top_is_a_round_number_holding_the_peak():
    assert [charts.nice_ceiling(value) for value in (0, 3, 5, 9, 17, 41, 130)] == [4, 4, 8, 16, 20, 80, 160]


def test_film_titles_are_escaped_and_long_ones_clipped_in_the_drawing():
    points = [
        charts.Point("<script>Évasion</script>", 4),
        charts.Point("Un titre vraiment beaucoup trop long", 2),
    ]
    svg = charts.horizontal_bars(points, chart_id="films", title="Films")
    assert "<script>" not in svg
    assert "&lt;script&gt;Évasion" in svg
    tree = parse(svg)
    assert [text.text for text in tree.findall(f"{SVG}text")][2] == "Un titre vraiment bea…"
    widths = [float(rect.get("width")) for rect in tree.findall(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1]
    assert (
        tree.find(f"{SVG}desc").text
        == "<script>Évasion</script> : 4 réservations; Un titre vraiment beaucoup trop long : 2 réservations"
    )


def test_an_empty_chart_still_renders():
    svg = charts.daily_bars([], chart_id="c", title="t")
    assert re.search(r"<desc[^>]*>Aucune donnée.</desc>", svg)
