import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from passculture.core.bookings import services as bookings
from passculture.core.bookings.constants import BookingStatus
from passculture.core.common.models import AuditLog
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingOfferFactory, ThingStockFactory
from passculture.core.offers.models import Offer, Stock
from passculture.core.users.factories import ProFactory, UserFactory
from tests.conftest import utc
from tests.image_files import PNG_RGBA, image_bytes, png_header_only

pytestmark = pytest.mark.django_db
NOW = utc(2026, 3, 10, 12, 0)


@pytest.fixture(autouse=True)
def _frozen_clock(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def pro_client(client, pro):
    client.force_login(pro)
    return client


@pytest.fixture
def offer(venue):
    return OfferFactory(venue=venue, name="Orbite basse")


def jpeg(name="affiche.jpg", **options):
    return SimpleUploadedFile(name, image_bytes(**options), content_type="image/jpeg")


def offer_data(venue, **changes):
    data = {
        "venue": venue.pk,
        "name": "La Nuit du cinéma",
        "category": "SEANCE_CINE",
        "description": "<p>Un <b>film</b><script>alert(1)</script></p>",
        "duration_minutes": "105",
        "languages": ["fr", "en"],
        "is_duo": "1",
        "booking_email": "",
    }
    data.update(changes)
    return data


def card_data(venue, **changes):
    """The one-form creation (cards and subscriptions); films are created in steps (test_offer_steps)."""
    return offer_data(venue, category="CARTE_CINE_MULTISEANCES", **changes)


def week_data(**changes):
    data = {
        "start_date": "2026-03-16",
        "end_date": "2026-03-22",
        "times": "14:00, 20h30",
        "version": "VF",
        "price": "7,50",
        "quantity": "",
        "booking_limit_hours": "",
    }
    data.update(changes)
    return data


def page_text(response) -> str:
    return response.content.decode()


# --- Access ------------------------------------------------------------------------------------


def test_offer_pages_require_login(client):
    response = client.get(reverse("pro:offers"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pro:login"))


def test_beneficiaries_cannot_see_the_offer_pages(client):
    client.force_login(UserFactory())
    assert client.get(reverse("pro:offers")).status_code == 302


def test_offer_forms_are_protected_against_csrf(pro, venue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pro)
    response = client.post(reverse("pro:offer-create"), offer_data(venue))
    assert response.status_code == 403
    assert not Offer.objects.exists()


# --- List --------------------------------------------------------------------------------------


def test_list_shows_only_the_current_offerers_offers(pro_client, offer):
    OfferFactory(name="Film d'un autre cinéma")
    text = page_text(pro_client.get(reverse("pro:offers")))
    assert "Orbite basse" in text
    assert "Film d&#x27;un autre cinéma" not in text


def test_list_filters_by_venue_status_and_name(pro_client, venue, offer):
    other_venue = VenueFactory(offerer=venue.offerer, name="Salle 2")
    OfferFactory(venue=other_venue, name="Autre salle")
    OfferFactory(venue=venue, name="Film désactivé", is_active=False)
    by_venue = page_text(pro_client.get(reverse("pro:offers"), {"venue": other_venue.pk}))
    assert "Autre salle" in by_venue and "Orbite basse" not in by_venue
    inactive = page_text(pro_client.get(reverse("pro:offers"), {"status": "inactive"}))
    assert "Film désactivé" in inactive and "Orbite basse" not in inactive
    search = page_text(pro_client.get(reverse("pro:offers"), {"q": "orbite"}))
    assert "Orbite basse" in search and "Autre salle" not in search


def test_list_is_paginated_by_20(pro_client, venue):
    for number in range(25):
        OfferFactory(venue=venue, name=f"Film numéro {number:02d}")
    first = pro_client.get(reverse("pro:offers"))
    second = pro_client.get(reverse("pro:offers"), {"page": 2})
    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) == 5
    assert "page=2" in page_text(first)


# --- Create and edit -----------------------------------------------------------------------------


def test_pro_creates_an_offer_with_a_sanitised_description_and_an_image(pro_client, venue, media_root):
    response = pro_client.post(
        reverse("pro:offer-create-card"), card_data(venue, image=jpeg(size=(1600, 2400)))
    )
    offer = Offer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("pro:offer-stock-add", args=[offer.pk])
    assert (offer.venue, offer.category, offer.duration_minutes) == (venue, "CARTE_CINE_MULTISEANCES", 105)
    assert (offer.languages, offer.is_duo) == (["fr", "en"], True)
    assert offer.description == "<p>Un <b>film</b></p>"
    assert offer.image.name.startswith("offers/") and offer.image.name.endswith(".jpg")
    assert (media_root / offer.image.name).exists()


def test_a_bad_image_is_refused_with_a_clear_message(pro_client, venue):
    gif = SimpleUploadedFile("affiche.jpg", image_bytes("GIF"), content_type="image/jpeg")
    response = pro_client.post(reverse("pro:offer-create-card"), card_data(venue, image=gif))
    assert response.status_code == 200
    assert "Format d&#x27;image non accepté : envoyez un fichier JPEG, PNG ou WebP." in page_text(response)
    assert not Offer.objects.exists()


def test_a_too_small_image_is_refused_with_its_size(pro_client, venue):
    response = pro_client.post(
        reverse("pro:offer-create-card"), card_data(venue, image=jpeg(size=(300, 450)))
    )
    assert "trop petite (300 × 450 pixels)" in page_text(response)
    assert not Offer.objects.exists()


def test_an_image_too_large_once_decoded_is_refused_with_its_size(pro_client, venue, media_root):
    # 8000 x 8000 with transparency: a file of a few hundred bytes, 256 MB once decoded.
    bomb = SimpleUploadedFile("affiche.png", png_header_only(8000, 8000, PNG_RGBA), content_type="image/png")
    response = pro_client.post(reverse("pro:offer-create-card"), card_data(venue, image=bomb))
    assert response.status_code == 200
    assert "trop grande pour être traitée : 8000 × 8000 pixels, soit 245 Mo" in page_text(response)
    assert not Offer.objects.exists()
    assert not any(media_root.rglob("*"))


def test_an_image_over_10_mb_is_refused_and_never_stored(pro_client, venue, media_root):
    big = SimpleUploadedFile(
        "affiche.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024), content_type="image/jpeg"
    )
    response = pro_client.post(reverse("pro:offer-create-card"), card_data(venue, image=big))
    assert "L&#x27;image est trop lourde : 10 Mo au maximum." in page_text(response)
    assert not Offer.objects.exists()
    assert not any(media_root.rglob("*"))


def test_the_venue_list_shows_only_the_current_offerers_venues(pro_client, venue):
    stranger_venue = VenueFactory(name="Cinéma concurrent")
    text = page_text(pro_client.get(reverse("pro:offer-create")))
    assert venue.name in text
    assert "Cinéma concurrent" not in text
    assert f'value="{stranger_venue.pk}"' not in text


def test_an_offer_cannot_be_created_in_another_offerers_venue(pro_client):
    stranger_venue = VenueFactory()
    response = pro_client.post(reverse("pro:offer-create-card"), card_data(stranger_venue))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in page_text(response)
    assert not Offer.objects.exists()


def test_pro_edits_an_offer_and_replaces_its_image(pro_client, offer, media_root):
    data = offer_data(offer.venue, name="Orbite haute", is_duo="0", image=jpeg())
    response = pro_client.post(reverse("pro:offer-edit", args=[offer.pk]), data)
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.name, offer.is_duo) == ("Orbite haute", False)
    assert (media_root / offer.image.name).exists()


def test_pro_removes_the_image_of_an_offer(pro_client, offer):
    pro_client.post(reverse("pro:offer-edit", args=[offer.pk]), offer_data(offer.venue, image=jpeg()))
    offer.refresh_from_db()
    assert offer.image
    pro_client.post(reverse("pro:offer-edit", args=[offer.pk]), offer_data(offer.venue, remove_image="on"))
    offer.refresh_from_db()
    assert not offer.image


def test_pro_deactivates_then_reactivates_an_offer(pro_client, offer):
    pro_client.post(reverse("pro:offer-set-active", args=[offer.pk]), {"active": "0"})
    offer.refresh_from_db()
    assert offer.is_active is False
    pro_client.post(reverse("pro:offer-set-active", args=[offer.pk]), {"active": "1"})
    offer.refresh_from_db()
    assert offer.is_active is True
    assert AuditLog.objects.filter(action="offer.deactivated", actor__isnull=False).exists()


# --- Detail and showtimes ----------------------------------------------------------------------------


def test_detail_lists_showtimes_on_the_venue_clock_with_seats(client, beneficiary):
    venue = VenueFactory(timezone="Indian/Reunion", postal_code="97400", department_code="974")
    pro = ProFactory()
    MembershipFactory(user=pro, offerer=venue.offerer)
    client.force_login(pro)
    pro_client = client
    stock = StockFactory(
        offer__venue=venue,
        beginning_datetime=utc(2026, 3, 20, 16, 30),
        price_cents=750,
        quantity=50,
        version="VO",
    )
    bookings.book_offer(beneficiary, stock.pk, 1)
    text = page_text(pro_client.get(reverse("pro:offer-detail", args=[stock.offer.pk])))
    assert "vendredi 20 mars 2026 à 20h30" in text
    assert "VO" in text and "7,50" in text
    row = pro_client.get(reverse("pro:offer-detail", args=[stock.offer.pk])).context["rows"][0]
    assert (row["stock"].quantity, row["stock"].booked_quantity, row["stock"].remaining_quantity) == (
        50,
        1,
        49,
    )


def test_preview_shows_what_will_be_created_and_creates_nothing(pro_client, offer):
    response = pro_client.post(reverse("pro:offer-showtimes", args=[offer.pk]), week_data(action="preview"))
    text = page_text(response)
    assert "Aperçu : 14 séances à créer" in text
    assert "lundi 16 mars 2026 à 14h00" in text
    assert not Stock.objects.filter(offer=offer).exists()


def test_showtimes_are_created_after_the_preview(pro_client, offer):
    url = reverse("pro:offer-showtimes", args=[offer.pk])
    fingerprint = pro_client.post(url, week_data(action="preview")).context["fingerprint"]
    response = pro_client.post(url, week_data(action="create", previewed=fingerprint), follow=True)
    assert "14 séances créées." in page_text(response)
    stocks = Stock.objects.filter(offer=offer)
    assert stocks.count() == 14
    assert {(s.price_cents, s.quantity, s.version) for s in stocks} == {(750, None, "VF")}
    assert stocks.order_by("beginning_datetime").first().beginning_datetime == utc(2026, 3, 16, 13, 0)


def test_changed_parameters_after_the_preview_show_a_new_preview(pro_client, offer):
    url = reverse("pro:offer-showtimes", args=[offer.pk])
    fingerprint = pro_client.post(url, week_data(action="preview")).context["fingerprint"]
    response = pro_client.post(url, week_data(action="create", previewed=fingerprint, times="14:00"))
    assert "Aperçu : 7 séances à créer" in page_text(response)
    assert not Stock.objects.filter(offer=offer).exists()


def test_existing_showtimes_are_counted_as_skipped(pro_client, offer):
    StockFactory(offer=offer, beginning_datetime=utc(2026, 3, 16, 13, 0), version="VF")
    url = reverse("pro:offer-showtimes", args=[offer.pk])
    fingerprint = pro_client.post(url, week_data(action="preview")).context["fingerprint"]
    response = pro_client.post(url, week_data(action="create", previewed=fingerprint), follow=True)
    assert "13 séances créées. Non créées : 1 existait déjà." in page_text(response)


def test_too_many_showtimes_get_a_clear_message(pro_client, offer):
    data = week_data(action="preview", start_date="2026-04-01", end_date="2026-12-31")
    text = page_text(pro_client.post(reverse("pro:offer-showtimes", args=[offer.pk]), data))
    assert "créeraient 550 séances : 500 au maximum par envoi" in text


def test_unreadable_times_get_a_clear_message(pro_client, offer):
    data = week_data(action="preview", times="14:00, vingt heures")
    text = page_text(pro_client.post(reverse("pro:offer-showtimes", args=[offer.pk]), data))
    assert "Horaire « vingt » illisible" in text


def test_pro_edits_one_showtime_on_the_venue_clock(pro_client, offer):
    stock = StockFactory(offer=offer, beginning_datetime=utc(2026, 3, 20, 19, 30), price_cents=800)
    data = {"date": "2026-03-21", "time": "18:00", "version": "VO", "price": "9", "quantity": "40"}
    response = pro_client.post(reverse("pro:stock-edit", args=[offer.pk, stock.pk]), data)
    assert response.status_code == 302
    stock.refresh_from_db()
    assert stock.beginning_datetime == utc(2026, 3, 21, 17, 0)
    assert (stock.price_cents, stock.quantity, stock.version) == (900, 40, "VO")
    assert stock.booking_limit_datetime == stock.beginning_datetime


def test_a_showtime_at_a_time_skipped_by_summer_time_is_refused(pro_client, offer):
    stock = StockFactory(offer=offer, beginning_datetime=utc(2026, 3, 20, 19, 30))
    # 02:30 does not exist in Paris on 28 March 2027: the clocks go from 02:00 straight to 03:00.
    data = {"date": "2027-03-28", "time": "02:30", "version": "VF", "price": "8", "quantity": ""}
    response = pro_client.post(reverse("pro:stock-edit", args=[offer.pk, stock.pk]), data)
    assert response.status_code == 200
    (error,) = response.context["form"].errors["time"]
    assert error == (
        "02h30 n'existe pas le 28/03/2027 dans le fuseau du lieu (Europe/Paris) : c'est le passage à "
        "l'heure d'été. Choisissez une autre heure."
    )
    stock.refresh_from_db()
    assert stock.beginning_datetime == utc(2026, 3, 20, 19, 30)


def test_a_booking_limit_at_a_time_skipped_by_summer_time_is_refused(pro_client, offer):
    stock = StockFactory(offer=offer, beginning_datetime=utc(2026, 3, 20, 19, 30))
    data = {
        "date": "2027-03-28",
        "time": "20:30",
        "version": "VF",
        "price": "8",
        "quantity": "",
        "booking_limit_date": "2027-03-28",
        "booking_limit_time": "02:15",
    }
    response = pro_client.post(reverse("pro:stock-edit", args=[offer.pk, stock.pk]), data)
    assert "n'existe pas le 28/03/2027" in response.context["form"].errors["booking_limit_time"][0]
    stock.refresh_from_db()
    assert stock.beginning_datetime == utc(2026, 3, 20, 19, 30)


def test_the_same_time_on_an_ordinary_day_is_accepted(pro_client, offer):
    stock = StockFactory(offer=offer, beginning_datetime=utc(2026, 3, 20, 19, 30))
    data = {"date": "2027-03-27", "time": "02:30", "version": "VF", "price": "8", "quantity": ""}
    response = pro_client.post(reverse("pro:stock-edit", args=[offer.pk, stock.pk]), data)
    assert response.status_code == 302
    stock.refresh_from_db()
    assert stock.beginning_datetime == utc(2027, 3, 27, 1, 30)


def test_seats_cannot_go_below_the_booked_places(pro_client, offer, beneficiary):
    stock = StockFactory(offer=offer, beginning_datetime=utc(2026, 3, 20, 19, 30))
    bookings.book_offer(beneficiary, stock.pk, 1)
    data = {"date": "2026-03-20", "time": "20:30", "version": "VF", "price": "8", "quantity": "0"}
    response = pro_client.post(reverse("pro:stock-edit", args=[offer.pk, stock.pk]), data)
    assert "ne peut pas être inférieur au nombre de places déjà réservées" in page_text(response)


def test_a_showtime_without_bookings_is_deleted_at_once(pro_client, offer):
    stock = StockFactory(offer=offer)
    response = pro_client.post(reverse("pro:stock-delete", args=[offer.pk, stock.pk]))
    assert response.status_code == 302
    assert Stock.objects.get(pk=stock.pk).is_deleted


def test_deleting_a_showtime_with_bookings_asks_for_confirmation_first(pro_client, offer, beneficiary):
    stock = StockFactory(offer=offer)
    bookings.book_offer(beneficiary, stock.pk, 1)
    response = pro_client.post(reverse("pro:stock-delete", args=[offer.pk, stock.pk]))
    assert response.status_code == 200
    assert "1 réservation sera annulée" in page_text(response)
    assert not Stock.objects.get(pk=stock.pk).is_deleted


def test_confirmed_deletion_cancels_the_bookings(pro_client, offer, beneficiary):
    stock = StockFactory(offer=offer)
    booking = bookings.book_offer(beneficiary, stock.pk, 1)
    url = reverse("pro:stock-delete", args=[offer.pk, stock.pk])
    response = pro_client.post(url, {"confirm": "1", "expected": "1"}, follow=True)
    assert "1 réservation annulée : le bénéficiaire est prévenu par email." in page_text(response)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_booking_made_after_the_confirmation_page_asks_again(pro_client, offer, beneficiary):
    stock = StockFactory(offer=offer)
    bookings.book_offer(beneficiary, stock.pk, 1)
    url = reverse("pro:stock-delete", args=[offer.pk, stock.pk])
    response = pro_client.post(url, {"confirm": "1", "expected": "0"})
    assert "De nouvelles réservations ont été faites" in page_text(response)
    assert not Stock.objects.get(pk=stock.pk).is_deleted


def test_a_card_gets_one_stock_capped_at_300_eur(pro_client, venue):
    card = ThingOfferFactory(venue=venue)
    url = reverse("pro:offer-stock-add", args=[card.pk])
    too_high = pro_client.post(url, {"price": "300,01", "quantity": ""})
    assert "ne peut pas dépasser 300 €" in page_text(too_high)
    assert pro_client.post(url, {"price": "300", "quantity": "10"}).status_code == 302
    stock = Stock.objects.get(offer=card)
    assert (stock.price_cents, stock.quantity, stock.beginning_datetime) == (300_00, 10, None)


# --- Another offerer's objects: 404 everywhere ----------------------------------------------------


@pytest.fixture
def foreign_stock(db):
    return StockFactory(offer__name="Film d'un autre cinéma")


def foreign_urls(stock):
    offer_id, stock_id = stock.offer_id, stock.pk
    thing = ThingStockFactory(offer__venue=stock.offer.venue)
    return [
        ("get", reverse("pro:offer-detail", args=[offer_id]), {}),
        ("get", reverse("pro:offer-edit", args=[offer_id]), {}),
        (
            "post",
            reverse("pro:offer-edit", args=[offer_id]),
            {"name": "Piraté", "is_duo": "0", "image": jpeg()},
        ),
        ("post", reverse("pro:offer-set-active", args=[offer_id]), {"active": "0"}),
        ("get", reverse("pro:offer-showtimes", args=[offer_id]), {}),
        ("post", reverse("pro:offer-showtimes", args=[offer_id]), week_data(action="preview")),
        ("get", reverse("pro:offer-stock-add", args=[thing.offer_id]), {}),
        ("post", reverse("pro:offer-stock-add", args=[thing.offer_id]), {"price": "1"}),
        ("get", reverse("pro:stock-edit", args=[offer_id, stock_id]), {}),
        ("post", reverse("pro:stock-edit", args=[offer_id, stock_id]), {"price": "1"}),
        ("get", reverse("pro:stock-delete", args=[offer_id, stock_id]), {}),
        ("post", reverse("pro:stock-delete", args=[offer_id, stock_id]), {"confirm": "1", "expected": "9"}),
    ]


def test_every_offer_page_and_action_of_another_offerer_answers_404(pro_client, foreign_stock):
    for method, url, data in foreign_urls(foreign_stock):
        response = getattr(pro_client, method)(url, data)
        assert response.status_code == 404, (method, url)
    foreign_stock.refresh_from_db()
    offer = foreign_stock.offer
    offer.refresh_from_db()
    assert (offer.name, offer.is_active, offer.image.name) == ("Film d'un autre cinéma", True, "")
    assert not foreign_stock.is_deleted and foreign_stock.price_cents == 800
    assert Stock.objects.filter(offer=offer).count() == 1


def test_a_stock_is_reached_only_through_its_own_offer(pro_client, offer, foreign_stock):
    # One of my offers in the URL does not open another offerer's stock.
    url = reverse("pro:stock-edit", args=[offer.pk, foreign_stock.pk])
    assert pro_client.get(url).status_code == 404


def test_the_edit_form_says_which_email_gets_the_bookings_by_default(pro_client, offer):
    text = page_text(pro_client.get(reverse("pro:offer-edit", args=[offer.pk])))
    assert f"l'email du lieu ({offer.venue.booking_email})" in text


def test_a_description_written_without_the_service_is_sanitised_on_display(pro_client, offer):
    Offer.objects.filter(pk=offer.pk).update(description="<b>ok</b><script>alert('x')</script>")
    text = page_text(pro_client.get(reverse("pro:offer-detail", args=[offer.pk])))
    assert "<b>ok</b>" in text
    assert "alert('x')" not in text
