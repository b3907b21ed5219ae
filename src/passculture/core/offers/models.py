from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .constants import (
    EVENT_CATEGORIES,
    ID_AT_PROVIDER_MAX_LENGTH,
    MAX_THING_PRICE_CENTS,
    PRICE_CATEGORY_LABEL_MAX_LENGTH,
    Category,
    PosterChoice,
    Version,
)


class Offer(models.Model):
    """A film at a venue, a cinema card, a subscription."""

    venue = models.ForeignKey(
        "offerers.Venue", on_delete=models.PROTECT, related_name="offers", verbose_name="lieu"
    )
    # The film this offer shows (events only): one Film for every cinema that shows it. Null for a
    # cinema card or a subscription, and for a showing not linked yet.
    film = models.ForeignKey(
        "films.Film",
        on_delete=models.PROTECT,
        related_name="offers",
        null=True,
        blank=True,
        verbose_name="film",
    )
    name = models.CharField(max_length=140, verbose_name="nom")
    description = models.TextField(blank=True, verbose_name="description")
    image = models.ImageField(upload_to="offers/", blank=True, verbose_name="image")
    category = models.CharField(
        max_length=32, choices=Category.choices, default=Category.SHOWTIME, verbose_name="catégorie"
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True, verbose_name="durée (minutes)")
    languages = models.JSONField(default=list, blank=True, verbose_name="langues")
    is_duo = models.BooleanField(default=False, verbose_name="duo")
    url = models.URLField(blank=True, help_text="Pour les offres numériques.", verbose_name="adresse web")
    booking_email = models.EmailField(blank=True, verbose_name="adresse e-mail des réservations")
    is_active = models.BooleanField(default=True, db_index=True, verbose_name="active")
    # An offer being created step by step (core.offers.drafts): never active, so never seen by the young
    # people nor bookable, until it is published.
    is_draft = models.BooleanField(default=False, verbose_name="brouillon")
    # What the pro chose for the poster: their own image, the film's poster, or none on purpose. Empty for
    # offers made before the choice existed (and by imports, which bring the film's poster).
    poster_choice = models.CharField(
        max_length=8, choices=PosterChoice.choices, blank=True, default="", verbose_name="choix de l'affiche"
    )
    extra_data = models.JSONField(default=dict, blank=True, verbose_name="données complémentaires")
    # Set by an import ("allocine:<movie id>"): how the next import finds the offer again.
    provider_ref = models.CharField(
        max_length=200, blank=True, db_index=True, verbose_name="référence chez le fournisseur"
    )
    # The offer's id in a cinema's ticketing software (public API `idAtProvider`), unique per venue.
    id_at_provider = models.CharField(
        max_length=ID_AT_PROVIDER_MAX_LENGTH, blank=True, verbose_name="identifiant chez le fournisseur"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créée le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifiée le")

    class Meta:
        verbose_name = "offre"
        verbose_name_plural = "offres"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "provider_ref"],
                condition=~Q(provider_ref=""),
                name="offer_unique_venue_provider_ref",
            ),
            models.CheckConstraint(
                condition=Q(is_draft=False) | Q(is_active=False), name="offer_draft_never_active"
            ),
            models.UniqueConstraint(
                fields=["venue", "id_at_provider"],
                condition=~Q(id_at_provider=""),
                name="offer_unique_venue_id_at_provider",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_event(self) -> bool:
        return self.category in EVENT_CATEGORIES

    @property
    def is_digital(self) -> bool:
        return bool(self.url)

    @property
    def poster(self):
        """The image to show for this offer, the one place pages ask: the offer's own image (uploaded by
        the pro) first, else its film's poster (shared by every cinema showing the film), else None.
        Lists should `select_related("film")` so that this costs no query per offer."""
        if self.image:
            return self.image
        film = self.film if self.film_id is not None else None
        if film is not None and film.poster:
            return film.poster
        return None


class PriceCategoryLabel(models.Model):
    """A price's name, shared by every offer of a venue ("Plein tarif", "Tarif réduit")."""

    venue = models.ForeignKey(
        "offerers.Venue", on_delete=models.CASCADE, related_name="price_category_labels", verbose_name="lieu"
    )
    label = models.CharField(max_length=PRICE_CATEGORY_LABEL_MAX_LENGTH, verbose_name="libellé")

    class Meta:
        verbose_name = "libellé de tarif"
        verbose_name_plural = "libellés de tarif"
        ordering = ["label", "id"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "label"], name="price_category_label_unique_per_venue")
        ]

    def __str__(self) -> str:
        return self.label


class PriceCategoryOrigin(models.TextChoices):
    MANUAL = "MANUAL", "Saisi à la main"
    ALLOCINE = "ALLOCINE", "AlloCiné"
    PROVIDER = "PROVIDER", "Logiciel de billetterie"


class PriceCategory(models.Model):
    """One price of an offer: a venue's label and an amount. Each stock (showtime) has one category; a
    showtime sold at several prices is several stocks at the same start, one per category."""

    offer = models.ForeignKey(
        "Offer", on_delete=models.CASCADE, related_name="price_categories", verbose_name="offre"
    )
    label = models.ForeignKey(
        PriceCategoryLabel, on_delete=models.PROTECT, related_name="price_categories", verbose_name="libellé"
    )
    price_cents = models.IntegerField(verbose_name="prix (centimes)")
    # Who made it: a sync (AlloCiné) only ever updates the categories it made, never a pro's.
    origin = models.CharField(
        max_length=8,
        choices=PriceCategoryOrigin.choices,
        default=PriceCategoryOrigin.MANUAL,
        verbose_name="origine",
    )
    id_at_provider = models.CharField(
        max_length=ID_AT_PROVIDER_MAX_LENGTH, blank=True, verbose_name="identifiant chez le fournisseur"
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créée le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifiée le")

    class Meta:
        verbose_name = "tarif"
        verbose_name_plural = "tarifs"
        ordering = ["price_cents", "id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "label"], name="price_category_one_per_label_and_offer"),
            models.UniqueConstraint(
                fields=["offer", "id_at_provider"],
                condition=~Q(id_at_provider=""),
                name="price_category_unique_offer_id_at_provider",
            ),
            models.CheckConstraint(condition=Q(price_cents__gte=0), name="price_category_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.price_cents / 100:.2f} €)"


class Stock(models.Model):
    """A showtime (event) or a stock of a thing. quantity None = unlimited."""

    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="stocks", verbose_name="offre")
    # The price of `price_category` copied here (the search, bookings and finance read it). Null category:
    # a stock made before categories, sold at its one price ("Tarif unique").
    price_category = models.ForeignKey(
        PriceCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stocks",
        verbose_name="tarif",
    )
    price_cents = models.IntegerField(verbose_name="prix (centimes)")
    quantity = models.PositiveIntegerField(null=True, blank=True, verbose_name="places")
    booked_quantity = models.PositiveIntegerField(default=0, verbose_name="places réservées")
    beginning_datetime = models.DateTimeField(null=True, blank=True, db_index=True, verbose_name="début")
    booking_limit_datetime = models.DateTimeField(null=True, blank=True, verbose_name="réservable jusqu'au")
    version = models.CharField(
        max_length=2, choices=Version.choices, blank=True, default="", verbose_name="version"
    )
    is_deleted = models.BooleanField(default=False, verbose_name="supprimée")
    # Set by an import ("allocine:<movie id>:<local start ISO>:<version>"); kept on a deleted stock so
    # that a showtime the pro deleted is recognised and never imported again.
    provider_ref = models.CharField(max_length=200, blank=True, verbose_name="référence chez le fournisseur")
    # The showtime's id in a cinema's ticketing software (public API `idAtProvider`), unique per offer.
    id_at_provider = models.CharField(
        max_length=ID_AT_PROVIDER_MAX_LENGTH, blank=True, verbose_name="identifiant chez le fournisseur"
    )
    # Features sent by ticketing software ("3D", "IMAX"...); the version (VF/VO) has its own field.
    features = models.JSONField(default=list, blank=True, verbose_name="caractéristiques")
    # Fields the pro changed by hand ("price_cents", "quantity", "booking_limit_datetime"): an import
    # never overwrites them.
    edited_fields = models.JSONField(default=list, blank=True, verbose_name="champs modifiés à la main")
    created_at = models.DateTimeField(auto_now_add=True, verbose_name="créée le")
    updated_at = models.DateTimeField(auto_now=True, verbose_name="modifiée le")

    class Meta:
        verbose_name = "séance ou stock"
        verbose_name_plural = "séances et stocks"
        ordering = ["beginning_datetime", "id"]
        indexes = [
            # The search reads an offer's showtimes inside a date window (core/offers/search/). A
            # covering variant (INCLUDE price, quantities...) measured no better on PostgreSQL and is
            # not supported by SQLite: decision 12.
            models.Index(fields=["offer", "beginning_datetime"], name="stock_offer_start_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "provider_ref"],
                condition=~Q(provider_ref=""),
                name="stock_unique_offer_provider_ref",
            ),
            models.UniqueConstraint(
                fields=["offer", "id_at_provider"],
                condition=~Q(id_at_provider=""),
                name="stock_unique_offer_id_at_provider",
            ),
            models.CheckConstraint(condition=Q(price_cents__gte=0), name="stock_price_not_negative"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(booked_quantity__lte=F("quantity")),
                name="stock_never_overbooked",
            ),
            models.CheckConstraint(
                condition=Q(beginning_datetime__isnull=False) | Q(price_cents__lte=MAX_THING_PRICE_CENTS),
                name="stock_thing_price_at_most_300_eur",
            ),
        ]

    def __str__(self) -> str:
        if self.beginning_datetime is None:
            return str(self.offer)
        return f"{self.offer} le {timezone.localtime(self.beginning_datetime):%d/%m/%Y à %H:%M}"

    @property
    def remaining_quantity(self) -> int | None:
        if self.quantity is None:
            return None
        return max(self.quantity - self.booked_quantity, 0)
