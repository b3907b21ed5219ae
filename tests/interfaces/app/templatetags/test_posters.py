"""{% poster %}: a responsive image from the renditions present, or a stand-in with the title's initials."""

import pytest
from django.core.files.base import ContentFile
from django.template import Context, Template

from passculture.core.common.renditions import save_renditions
from passculture.core.offers.factories import OfferFactory
from tests.image_files import image_bytes

pytestmark = pytest.mark.django_db


def render(image, **options):
    arguments = " ".join(f"{key}={value!r}" for key, value in options.items())
    template = Template("{% load posters %}{% poster image title " + arguments + " %}")
    return template.render(Context({"image": image, "title": "Le Voyage de Chihiro"}))


@pytest.fixture
def offer(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    offer = OfferFactory()
    offer.image.save("poster.jpg", ContentFile(image_bytes("JPEG", (800, 1200))))
    return offer


def test_a_poster_with_renditions_gets_a_srcset_sized_for_its_card(offer):
    save_renditions(offer.image.storage, offer.image.name)
    html = render(offer.image, width=140)
    name = offer.image.name
    assert f'src="/media/{name}"' in html
    assert (
        f'srcset="/media/{name}.w160.webp 160w, /media/{name}.w320.webp 320w, '
        f'/media/{name}.w480.webp 480w, /media/{name} 800w"'
    ) in html
    assert 'sizes="140px"' in html and 'width="140" height="210"' in html
    assert 'loading="lazy"' in html


def test_the_first_poster_of_a_page_loads_eagerly(offer):
    assert 'loading="eager"' in render(offer.image, eager=True)


def test_a_poster_without_renditions_is_the_stored_file_alone(offer):
    html = render(offer.image)
    assert "srcset" not in html and f'src="/media/{offer.image.name}"' in html


def test_no_poster_shows_the_initials_not_a_grey_box():
    html = render(None)
    assert "pc-poster--none" in html and ">LV<" in html and 'aria-hidden="true"' in html
