"""Offers created step by step (core.offers.drafts): what a draft needs before publication, the 2:3
frame of the image sent, and a draft never reaching the young people."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError
from PIL import Image

from passculture.core.bookings.services import book_offer
from passculture.core.common.exceptions import DomainError
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.services import find_or_create_film
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers import drafts
from passculture.core.offers.constants import PosterChoice, Version
from passculture.core.offers.exceptions import (
    FilmWithoutPoster,
    ImageTooSmall,
    OfferDraftIncomplete,
    OfferInactive,
    OfferIsDraft,
    OfferNotDraft,
    PriceAboveMaximum,
    QuantityTooHigh,
)
from passculture.core.offers.images import crop_box, crop_poster, prepare_offer_source
from passculture.core.offers.models import Offer
from passculture.core.offers.scheduling import Schedule
from passculture.core.offers.selectors import get_public_offer, visible_offers
from passculture.core.offers.services import set_offer_active
from passculture.core.users.factories import UserFactory
from tests.conftest import utc
from tests.image_files import image_bytes

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine, settings, tmp_path):
    time_machine.move_to(NOW, tick=False)
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def venue():
    return VenueFactory(timezone="Europe/Paris")


@pytest.fixture
def pro(venue):
    return MembershipFactory(offerer=venue.offerer).user


@pytest.fixture
def film():
    return find_or_create_film(title="Anora", year=2024, duration_minutes=139, synopsis="Ani, à Brooklyn.")


@pytest.fixture
def draft(venue, pro, film):
    return drafts.start_draft(venue=venue, actor=pro, film_id=film.pk)


def week(**changes) -> Schedule:
    values = {
        "start_date": dt.date(2026, 3, 16),
        "end_date": dt.date(2026, 3, 17),
        "times": (dt.time(20, 30),),
        "version": Version.VO,
    }
    return Schedule(**{**values, **changes})


def source(size=(1800, 1200)):
    upload = ContentFile(image_bytes(size=size), name="photo.jpg")
    return prepare_offer_source(upload)


def complete(draft, pro):
    draft = drafts.save_draft_details(draft, actor=pro, poster_choice=PosterChoice.NONE)
    drafts.add_draft_showtimes(draft, week(), actor=pro)
    return drafts.set_draft_price(draft, actor=pro, price_cents=750, quantity=None, is_duo=False)


def test_a_draft_takes_the_films_title_duration_and_synopsis_and_is_never_active(draft, film):
    assert (draft.name, draft.duration_minutes, draft.description) == ("Anora", 139, "Ani, à Brooklyn.")
    assert draft.is_draft and not draft.is_active


def test_the_database_refuses_an_active_draft(draft):
    with pytest.raises(IntegrityError):
        Offer.objects.filter(pk=draft.pk).update(is_active=True)


def test_a_draft_with_showtimes_is_neither_visible_nor_bookable(draft, pro):
    draft = complete(draft, pro)
    assert not visible_offers(NOW).filter(pk=draft.pk).exists()
    assert get_public_offer(draft.pk) is None
    young = UserFactory()
    DepositFactory(user=young)
    with pytest.raises(OfferInactive):
        book_offer(young, draft.stocks.first().pk)


def test_publishing_names_every_missing_step_in_order(draft, pro):
    with pytest.raises(OfferDraftIncomplete) as refused:
        drafts.publish_draft(draft, actor=pro)
    assert [step for step, _ in refused.value.details["missing"]] == [2, 3, 4]
    assert "Choisissez l'image de l'offre" in refused.value.message


def test_the_first_incomplete_step_is_where_a_draft_resumes(draft, pro):
    assert drafts.first_incomplete_step(draft) == 2
    draft = drafts.save_draft_details(draft, actor=pro, poster_choice=PosterChoice.NONE)
    assert drafts.first_incomplete_step(draft) == 3
    drafts.add_draft_showtimes(draft, week(), actor=pro)
    assert drafts.first_incomplete_step(draft) == 4
    draft = drafts.set_draft_price(draft, actor=pro, price_cents=0, quantity=10, is_duo=True)
    assert drafts.first_incomplete_step(draft) == 5


def test_showtimes_all_past_by_publication_time_do_not_count(draft, pro):
    draft = complete(draft, pro)
    with pytest.raises(OfferDraftIncomplete) as refused:
        drafts.publish_draft(draft, actor=pro, at=utc(2026, 3, 18, 0, 0))
    assert [step for step, _ in refused.value.details["missing"]] == [3]


def test_a_complete_draft_is_published_visible_and_then_no_draft(draft, pro):
    draft = drafts.publish_draft(complete(draft, pro), actor=pro)
    assert draft.is_active and not draft.is_draft
    assert visible_offers(NOW).filter(pk=draft.pk).exists()
    with pytest.raises(OfferNotDraft):
        drafts.publish_draft(draft, actor=pro)


def test_a_draft_is_not_activated_by_the_activation_switch(draft, pro):
    with pytest.raises(OfferIsDraft):
        set_offer_active(draft, True, actor=pro)


def test_the_price_step_bounds_price_and_seats_and_reaches_every_showtime(draft, pro):
    drafts.add_draft_showtimes(draft, week(), actor=pro)
    with pytest.raises(PriceAboveMaximum):
        drafts.set_draft_price(draft, actor=pro, price_cents=1_000_01, quantity=None, is_duo=False)
    with pytest.raises(QuantityTooHigh):
        drafts.set_draft_price(draft, actor=pro, price_cents=700, quantity=100_001, is_duo=False)
    drafts.set_draft_price(draft, actor=pro, price_cents=700, quantity=50, is_duo=False)
    drafts.add_draft_showtimes(draft, week(times=(dt.time(14, 0),)), actor=pro)
    assert set(draft.stocks.values_list("price_cents", "quantity")) == {(700, 50)}


def test_the_films_poster_needs_a_film_with_one(draft, pro, film):
    with pytest.raises(FilmWithoutPoster):
        drafts.save_draft_details(draft, actor=pro, poster_choice=PosterChoice.FILM)
    film.poster.save("anora.jpg", ContentFile(image_bytes()))
    draft = drafts.save_draft_details(draft, actor=pro, poster_choice=PosterChoice.FILM)
    assert drafts.poster_problem(draft) is None


def test_an_image_sent_is_framed_and_reframed_from_the_whole_picture(draft, pro):
    draft = drafts.set_draft_image(draft, source(), actor=pro, position=0)
    assert draft.poster_choice == PosterChoice.UPLOAD
    assert (draft.image.width, draft.image.height) == (800, 1200)
    first = draft.image.name
    draft = drafts.reframe_draft_image(draft, actor=pro, position=100)
    assert draft.image.name != first and draft.extra_data["image_position"] == 100


def test_choosing_no_poster_drops_the_image_sent(draft, pro):
    draft = drafts.set_draft_image(draft, source(), actor=pro)
    draft = drafts.save_draft_details(draft, actor=pro, poster_choice=PosterChoice.NONE)
    assert not draft.image and "image_source" not in draft.extra_data


@pytest.mark.parametrize(
    ("size", "position", "box"),
    [
        ((1800, 1200), 0, (0, 0, 800, 1200)),
        ((1800, 1200), 100, (1000, 0, 1800, 1200)),
        ((1800, 1200), 50, (500, 0, 1300, 1200)),
        ((600, 1500), 100, (0, 600, 600, 1500)),
        ((1800, 1200), 900, (1000, 0, 1800, 1200)),  # bounded
        ((1800, 1200), -5, (0, 0, 800, 1200)),
    ],
)
def test_the_frame_is_the_largest_2_3_box_inside_the_image(size, position, box):
    assert crop_box(*size, position) == box


def test_a_panorama_too_flat_for_a_poster_is_refused_with_its_framed_size():
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 600)).save(buffer, format="JPEG")
    with Image.open(crop_poster(buffer.getvalue(), 50)) as poster:
        assert poster.size == (400, 600)
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 500)).save(buffer, format="JPEG")
    with pytest.raises(ImageTooSmall, match="333 × 500"):
        crop_poster(buffer.getvalue(), 50)


def test_another_offerers_member_cannot_touch_the_draft(draft):
    stranger = MembershipFactory().user
    with pytest.raises(DomainError):
        drafts.save_draft_details(draft, actor=stranger, name="Volé")
    draft.refresh_from_db()
    assert draft.name == "Anora"


def test_several_prices_at_step_4_make_one_showtime_per_start_and_price(pro, draft):
    from passculture.core.offers import price_categories as pc
    from passculture.core.offers.drafts import add_draft_showtimes, set_draft_price
    from tests.helpers import error_code

    offer = draft
    day = (NOW + dt.timedelta(days=3)).date()
    add_draft_showtimes(
        offer, Schedule(start_date=day, end_date=day, times=(dt.time(14), dt.time(20))), actor=pro
    )
    offer = set_draft_price(
        offer, actor=pro, price_cents=900, quantity=50, is_duo=False, label="Plein tarif",
        other_prices=[("Tarif réduit", 650)],
    )  # fmt: skip
    stocks = list(offer.stocks.order_by("beginning_datetime", "price_cents"))
    assert [(s.price_category.label.label, s.price_cents, s.quantity) for s in stocks] == [
        ("Tarif réduit", 650, 50), ("Plein tarif", 900, 50)
    ] * 2  # fmt: skip
    # Showtimes added afterwards get both prices too; a price dropped goes with its showtimes.
    add_draft_showtimes(offer, Schedule(start_date=day, end_date=day, times=(dt.time(17),)), actor=pro)
    assert offer.stocks.count() == 6
    offer = set_draft_price(offer, actor=pro, price_cents=950, quantity=40, is_duo=True, label="Plein tarif")
    assert [(c.label.label, c.price_cents) for c in pc.price_categories_of(offer)] == [("Plein tarif", 950)]
    assert sorted(offer.stocks.values_list("price_cents", "quantity")) == [(950, 40)] * 3
    assert error_code(
        set_draft_price, offer, actor=pro, price_cents=1, quantity=1, is_duo=False, label="A",
        other_prices=[("A", 2)],
    ) == "PRICE_CATEGORY_ALREADY_EXISTS"  # fmt: skip
