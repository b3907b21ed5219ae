"""The beneficiaries' account pages (names are the contract with the other parts of the app)."""

from django.urls import path

from . import preferences, push, views

urlpatterns = [
    path("inscription/", views.signup, name="signup"),
    path("inscription/terminee/", views.signup_done, name="signup_done"),
    path("inscription/communes/", views.signup_cities, name="signup_cities"),
    path("inscription/confirmer/<str:token>/", views.confirm_email, name="confirm_email"),
    path("inscription/nouveau-lien/", views.resend_confirmation, name="resend_confirmation"),
    path("conditions-generales/", views.terms, name="terms"),
    path("connexion/", views.login_view, name="login"),
    path("deconnexion/", views.logout_view, name="logout"),
    path("mot-de-passe/oublie/", views.password_reset, name="password_reset"),
    path(
        "mot-de-passe/<str:uidb64>/<str:token>/", views.password_reset_confirm, name="password_reset_confirm"
    ),
    path("compte/", views.account, name="account"),
    path("compte/notifications/", preferences.notification_preferences, name="notification_preferences"),
    path("compte/notifications/appareil/", push.subscribe, name="push_subscribe"),
    path("compte/notifications/appareil/retirer/", push.unsubscribe, name="push_unsubscribe"),
    path("compte/rappels/", preferences.old_reminder_preference, name="reminder_preference"),
    path("desabonnement/<str:token>/", preferences.unsubscribe_view, name="unsubscribe"),
    # Decision 0031's links, in emails already delivered: the same page.
    path(
        "rappels/desabonnement/<str:token>/", preferences.unsubscribe_view, name="show_reminders_unsubscribe"
    ),
    path("compte/mot-de-passe/", views.password_change, name="password_change"),
    path("compte/suppression/", views.account_delete, name="account_delete"),
    path("compte/supprime/", views.account_deleted, name="account_deleted"),
]
