"""The brand layer's poster card snippet, which the home feed, search and favourites pages include."""

import pytest
from django.core.files.base import ContentFile
from django.template.loader import render_to_string

from passculture.core.offers.factories import OfferFactory
from tests.image_files import image_bytes


@pytest.mark.django_db
def test_a_poster_card_links_its_title_and_describes_nothing_twice(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    offer = OfferFactory()
    offer.image.save("p.jpg", ContentFile(image_bytes("JPEG", (400, 600))))
    html = render_to_string(
        "app/_poster_card.html",
        {"title": "Orbite basse", "url": "/films/3/", "poster": offer.image, "meta": "1 h 52"},
    )
    assert '<h3 class="app-poster-card__title"><a href="/films/3/">Orbite basse</a></h3>' in html
    # The poster is decoration beside the title: an empty alt, so screen readers read the title once.
    assert 'alt=""' in html and 'loading="lazy"' in html
    assert '<p class="app-poster-card__meta">1 h 52</p>' in html


def test_a_poster_card_without_a_poster_shows_the_titles_initials_never_a_grey_box():
    html = render_to_string(
        "app/_poster_card.html", {"title": "kizomba", "url": "/films/4/", "heading_level": 2}
    )
    assert 'pc-poster--none" aria-hidden="true"><span>K</span></span>' in html
    assert "<h2 class=" in html and "<img" not in html
