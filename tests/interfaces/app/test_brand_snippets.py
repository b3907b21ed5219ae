"""The brand layer's poster card snippet, which the home feed, search and favourites pages include."""

from django.template.loader import render_to_string


def test_a_poster_card_links_its_title_and_describes_nothing_twice():
    html = render_to_string(
        "app/_poster_card.html",
        {
            "title": "Orbite basse",
            "url": "/films/3/",
            "poster_url": "/media/p.png",
            "meta": "1 h 52",
            "lazy": True,
        },
    )
    assert '<h3 class="app-poster-card__title"><a href="/films/3/">Orbite basse</a></h3>' in html
    # The poster is decoration beside the title: an empty alt, so screen readers read the title once.
    assert 'alt=""' in html and 'loading="lazy"' in html
    assert '<p class="app-poster-card__meta">1 h 52</p>' in html


def test_a_poster_card_without_a_poster_shows_the_titles_initial_never_a_grey_box():
    html = render_to_string(
        "app/_poster_card.html", {"title": "kizomba", "url": "/films/4/", "heading_level": 2}
    )
    assert 'app-poster-card__img--empty" aria-hidden="true">K</div>' in html
    assert "<h2 class=" in html and "<img" not in html
