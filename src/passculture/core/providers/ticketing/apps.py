from django.apps import AppConfig


class TicketingConfig(AppConfig):
    name = "passculture.core.providers.ticketing"
    label = "ticketing"
    verbose_name = "Logiciels de billetterie"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Bookings never import this app: it registers itself (decision 0029).
        from passculture.core.bookings import hooks

        from .external_bookings import book_through_provider, cancel_tickets_of, venue_may_sell_sql

        hooks.register_external_booker(book_through_provider, venue_sql=venue_may_sell_sql)
        hooks.register_cancellation_listener(cancel_tickets_of)
