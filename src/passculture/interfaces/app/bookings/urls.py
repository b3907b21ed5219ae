from django.urls import path

from . import credit, feedback, views

urlpatterns = [
    path("reserver/<int:stock_id>/", views.book, name="book"),
    path("reservations/", views.bookings, name="bookings"),
    path("reservations/<int:booking_id>/", views.booking, name="booking"),
    path("reservations/<int:booking_id>/agenda.ics", views.booking_calendar, name="booking_calendar"),
    path("reservations/<int:booking_id>/annuler/", views.booking_cancel, name="booking_cancel"),
    path("reservations/<int:booking_id>/avis/", feedback.answer, name="booking_feedback"),
    path("credit/", credit.credit, name="credit"),
]
