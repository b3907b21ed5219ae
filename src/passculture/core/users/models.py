from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .constants import DeletionStatus, Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.setdefault("role", Role.STAFF)
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        fields.setdefault("is_email_validated", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who logs in: beneficiaries, cinema professionals and staff (login by email)."""

    email = models.EmailField(unique=True, verbose_name="adresse e-mail")
    first_name = models.CharField(max_length=128, blank=True, verbose_name="prénom")
    last_name = models.CharField(max_length=128, blank=True, verbose_name="nom")
    phone_number = models.CharField(max_length=20, blank=True, verbose_name="téléphone")
    birth_date = models.DateField(null=True, blank=True, verbose_name="date de naissance")
    postal_code = models.CharField(max_length=5, blank=True, verbose_name="code postal")
    city = models.CharField(max_length=100, blank=True, verbose_name="ville")
    role = models.CharField(
        max_length=16, choices=Role.choices, default=Role.BENEFICIARY, db_index=True, verbose_name="rôle"
    )
    is_email_validated = models.BooleanField(default=False, verbose_name="adresse e-mail confirmée")
    is_active = models.BooleanField(default=True, verbose_name="actif")  # type: ignore[misc]  # a real column here
    is_staff = models.BooleanField(
        default=False, help_text="Peut se connecter au back office.", verbose_name="accès au back office"
    )
    date_joined = models.DateTimeField(default=timezone.now, verbose_name="inscrit le")
    # When the person accepted the terms of use at sign-up (the proof of consent); null for accounts
    # created by staff or before sign-up recorded it.
    # Reminder email before a booked show (non-transactional: one-click unsubscribe turns it off).
    wants_show_reminders = models.BooleanField(default=True, verbose_name="rappels avant les séances")
    # Reminders before the credit expires (non-transactional; see notification_preferences).
    wants_credit_reminders = models.BooleanField(default=True, verbose_name="rappels sur le crédit")
    terms_accepted_at = models.DateTimeField(null=True, blank=True, verbose_name="conditions acceptées le")

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[misc]

    class Meta:
        verbose_name = "compte"
        verbose_name_plural = "comptes"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_beneficiary(self) -> bool:
        return self.role == Role.BENEFICIARY

    @property
    def is_pro(self) -> bool:
        return self.role == Role.PRO


class AccountDeletionRequest(models.Model):
    """A beneficiary asked to delete their account: it is deactivated at once, anonymised later.

    The row outlives the anonymisation: it is the proof that the request was honoured, and when."""

    user = models.ForeignKey(
        "User", on_delete=models.PROTECT, related_name="deletion_requests", verbose_name="compte"
    )
    status = models.CharField(
        max_length=16,
        choices=DeletionStatus.choices,
        default=DeletionStatus.PENDING,
        db_index=True,
        verbose_name="état",
    )
    requested_at = models.DateTimeField(db_index=True, verbose_name="demandée le")
    anonymised_at = models.DateTimeField(null=True, blank=True, verbose_name="anonymisé le")
    cancelled_bookings = models.PositiveIntegerField(
        default=0,
        help_text="Réservations annulées à la demande (places et crédit libérés).",
        verbose_name="réservations annulées",
    )
    kept_bookings = models.PositiveIntegerField(
        default=0,
        help_text="Réservations confirmées conservées : plus annulables à la date de la demande.",
        verbose_name="réservations gardées",
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "demande de suppression de compte"
        verbose_name_plural = "demandes de suppression de compte"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status=DeletionStatus.PENDING),
                name="one_pending_deletion_request_per_user",
            ),
            models.CheckConstraint(
                condition=Q(status=DeletionStatus.PENDING, anonymised_at__isnull=True)
                | Q(status=DeletionStatus.ANONYMISED, anonymised_at__isnull=False),
                name="deletion_request_anonymised_iff_anonymised_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Suppression du compte {self.user_id} ({self.get_status_display()})"
