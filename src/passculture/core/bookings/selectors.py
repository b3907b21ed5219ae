from django.db.models import QuerySet

from .models import Booking


def bookings_of_beneficiary(user) -> QuerySet[Booking]:
    """A beneficiary's bookings, newest first, with what a list shows (stock, offer, venue) in one query."""
    return (
        Booking.objects.filter(user=user)
        .select_related("stock", "offer", "venue")
        .order_by("-booked_at", "-id")
    )
