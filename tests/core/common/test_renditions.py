"""Poster renditions: WebP copies narrower than the stored poster, made from it and found again."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from PIL import Image

from passculture.core.common.renditions import (
    delete_renditions,
    make_renditions,
    missing_renditions,
    rendition_name,
    save_renditions,
    stored_renditions,
)
from tests.image_files import image_bytes


@pytest.fixture
def storage(tmp_path):
    return FileSystemStorage(location=tmp_path)


def test_each_rendition_keeps_the_ratio_and_is_much_lighter_than_the_poster():
    poster = image_bytes("JPEG", (800, 1200))
    made = make_renditions(poster)
    assert sorted(made) == [160, 320, 480]
    for width, data in made.items():
        with Image.open(io.BytesIO(data)) as image:
            assert (image.format, image.size) == ("WEBP", (width, width * 3 // 2))
    assert len(made[160]) * 5 < len(poster)


def test_a_poster_only_gets_renditions_narrower_than_itself():
    assert sorted(make_renditions(image_bytes("JPEG", (400, 600)))) == [160, 320]


def test_saved_renditions_are_found_and_deleted(storage):
    name = storage.save("offers/a.jpg", ContentFile(image_bytes("JPEG", (600, 900))))
    assert save_renditions(storage, name) == [160, 320, 480]
    assert stored_renditions(storage, name) == [(w, rendition_name(name, w)) for w in (160, 320, 480)]
    # Saved again (a new poster under the same name): replaced, not duplicated under another name.
    save_renditions(storage, name)
    assert stored_renditions(storage, name)[0][1] == "offers/a.jpg.w160.webp"
    delete_renditions(storage, name)
    assert stored_renditions(storage, name) == []


def test_missing_renditions_lists_only_posters_that_lack_some(storage):
    done = storage.save("films/done.jpg", ContentFile(image_bytes("JPEG", (600, 900))))
    save_renditions(storage, done)
    todo = storage.save("films/todo.jpg", ContentFile(image_bytes("JPEG", (600, 900))))
    assert list(missing_renditions(storage, [done, todo, "films/gone.jpg", ""])) == [todo]


@pytest.mark.django_db
def test_a_new_film_poster_gets_its_renditions_and_the_replaced_one_loses_them(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    from passculture.core.films.factories import FilmFactory
    from passculture.core.films.services import set_film_poster

    settings.MEDIA_ROOT = tmp_path
    film = FilmFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = set_film_poster(
            film.pk, ContentFile(image_bytes("JPEG", (600, 900)), name="a.jpg")
        ).poster.name
    storage = FileSystemStorage(location=tmp_path)
    assert [w for w, _ in stored_renditions(storage, first)] == [160, 320, 480]

    with django_capture_on_commit_callbacks(execute=True):
        second = set_film_poster(
            film.pk, ContentFile(image_bytes("JPEG", (600, 900)), name="b.jpg")
        ).poster.name
    assert [w for w, _ in stored_renditions(storage, second)] == [160, 320, 480]
    assert not storage.exists(first) and stored_renditions(storage, first) == []
