"""The brand layer's poster card snippet, which the home feed, search and favourites pages include."""

from django.core.files.storage import default_storage
from django.db.models.fields.files import ImageFieldFile
from django.template.loader import render_to_string

from passculture.core.films.models import Film


def stored_poster(name: str) -> ImageFieldFile:
    return ImageFieldFile(Film(), Film._meta.get_field("poster"), name)


def test_a_poster_card_links_its_title_and_describes_nothing_twice():
    html = render_to_string(
        "app/_poster_card.html",
        {
            "title": "Orbite basse",
            "url": "/films/3/",
            "poster": stored_poster("films/p.png"),
            "meta": "1 h 52",
        },
    )
    assert '<h3 class="app-poster-card__title"><a href="/films/3/">Orbite basse</a></h3>' in html
    # The poster is decoration beside the title: an empty alt, so screen readers read the title once.
    assert 'alt=""' in html and 'loading="lazy"' in html
    assert f'src="{default_storage.url("films/p.png")}"' in html
    assert '<p class="app-poster-card__meta">1 h 52</p>' in html


def test_a_poster_card_without_a_poster_shows_the_titles_initials_never_a_grey_box():
    html = render_to_string(
        "app/_poster_card.html", {"title": "kizomba", "url": "/films/4/", "heading_level": 2, "poster": None}
    )
    assert 'pc-poster--none" aria-hidden="true"><span>K</span></span>' in html
    assert "<h2 class=" in html and "<img" not in html
