import factory

from passculture.core.common.text import fold

from .models import Film


class FilmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Film

    title = factory.Sequence(lambda n: f"Film {n}")
    title_key = factory.LazyAttribute(lambda o: fold(o.title))
    year = 2026
