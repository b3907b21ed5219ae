"""The pro portal at /pro/. Each area adds its routes here (one line each)."""

from django.urls import path

from . import (
    allocine,
    api_keys,
    auth,
    booking_emails,
    booking_exports,
    counter,
    members,
    price_categories,
    reimbursements,
    venues,
    views,
)
from . import bookings as bookings_views
from . import finance as finance_views
from .offers import steps as offer_steps
from .offers import views as offer_views

app_name = "pro"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    # Accounts: sign-up with a SIREN, email confirmation, rate-limited login, password reset, members.
    path("connexion/", auth.login_view, name="login"),
    path("deconnexion/", auth.logout_view, name="logout"),
    path("inscription/", auth.signup, name="signup"),
    path("inscription/envoye/", auth.signup_done, name="signup-done"),
    path("inscription/confirmer/<str:token>/", auth.confirm_email, name="confirm-email"),
    path("inscription/nouveau-lien/", auth.resend_confirmation, name="resend-confirmation"),
    path("mot-de-passe/oublie/", auth.password_reset_request, name="password-reset"),
    path(
        "mot-de-passe/<str:uidb64>/<str:token>/", auth.password_reset_confirm, name="password-reset-confirm"
    ),
    path("membres/", members.member_list, name="members"),
    path("membres/<int:membership_id>/accepter/", members.member_accept, name="member-accept"),
    path("membres/<int:membership_id>/refuser/", members.member_reject, name="member-reject"),
    path("structure/choisir/", views.switch_offerer_form, name="switch-offerer-form"),
    path("structure/<int:offerer_id>/choisir/", views.switch_offerer, name="switch-offerer"),
    path("reservations/", bookings_views.booking_list, name="bookings"),
    path("reservations/export.csv", booking_exports.export_csv, name="bookings-export-csv"),
    path("reservations/export.xlsx", booking_exports.export_xlsx, name="bookings-export-xlsx"),
    path("reservations/exports/<int:job_id>/", booking_exports.export_job, name="bookings-export-job"),
    path(
        "reservations/exports/<int:job_id>/etat/",
        booking_exports.export_job_status,
        name="bookings-export-job-status",
    ),
    path(
        "reservations/exports/<int:job_id>/telecharger/",
        booking_exports.export_job_download,
        name="bookings-export-job-download",
    ),
    path("reservations/seance/<int:stock_id>/", bookings_views.showtime_bookings, name="showtime-bookings"),
    path("reservations/<int:booking_id>/annuler/", bookings_views.booking_cancel, name="booking-cancel"),
    path("guichet/", counter.counter, name="counter"),
    path("guichet/valider/", counter.validate, name="counter-validate"),
    path("guichet/annuler-validation/", counter.undo, name="counter-undo"),
    path("guichet/annuler-reservation/", counter.cancel, name="counter-cancel"),
    path("cles-api/", api_keys.api_key_list, name="api-keys"),
    path("cles-api/creer/", api_keys.api_key_create, name="api-key-create"),
    path("cles-api/<int:key_id>/revoquer/", api_keys.api_key_revoke, name="api-key-revoke"),
    path("coordonnees-bancaires/", finance_views.bank_account_list, name="bank-accounts"),
    path("coordonnees-bancaires/bic/", finance_views.bic_lookup, name="bank-bic-lookup"),
    path("remboursements/", reimbursements.reimbursement_list, name="reimbursements"),
    path("remboursements/lieux/<int:venue_id>/", reimbursements.venue_ledger_page, name="venue-ledger"),
    path(
        "remboursements/<int:batch_id>/lieux/<int:venue_id>/releve.csv",
        reimbursements.statement_csv_download,
        name="statement-csv",
    ),
    path(
        "remboursements/<int:batch_id>/lieux/<int:venue_id>/releve.pdf",
        reimbursements.statement_pdf_download,
        name="statement-pdf",
    ),
    path("lieux/", venues.venue_list, name="venues"),
    path("lieux/nouveau/", venues.venue_create, name="venue-create"),
    path("lieux/<int:venue_id>/", venues.venue_detail, name="venue"),
    path("lieux/<int:venue_id>/modifier/", venues.venue_edit, name="venue-edit"),
    path(
        "lieux/<int:venue_id>/e-mails-de-reservation/",
        booking_emails.venue_booking_emails,
        name="venue-booking-emails",
    ),
    path("lieux/<int:venue_id>/billetterie/", venues.venue_ticketing_request, name="venue-ticketing"),
    path(
        "lieux/<int:venue_id>/billetterie/vente/",
        venues.venue_ticketing_selling,
        name="venue-ticketing-selling",
    ),
    path("lieux/<int:venue_id>/tarifs/", price_categories.venue_labels, name="venue-price-labels"),
    path(
        "lieux/<int:venue_id>/tarifs/<int:label_id>/renommer/",
        price_categories.venue_label_rename,
        name="venue-price-label-rename",
    ),
    path(
        "lieux/<int:venue_id>/tarifs/<int:label_id>/supprimer/",
        price_categories.venue_label_delete,
        name="venue-price-label-delete",
    ),
    path("allocine/", allocine.allocine_overview, name="allocine"),
    path("lieux/<int:venue_id>/allocine/", allocine.venue_allocine, name="venue-allocine"),
    path("lieux/<int:venue_id>/allocine/etat/", allocine.venue_allocine_status, name="venue-allocine-status"),
    path(
        "allocine/seances-disparues/<int:alert_id>/garder/",
        allocine.vanished_showtime_keep,
        name="allocine-vanished-keep",
    ),
    path("lieux/<int:venue_id>/coordonnees-bancaires/", finance_views.bank_account, name="bank-account"),
    path("offres/", offer_views.offer_list, name="offers"),
    path("offres/nouvelle/", offer_steps.step_film, name="offer-create"),
    path("offres/nouvelle/carte/", offer_views.offer_create, name="offer-create-card"),
    path("offres/<int:offer_id>/etapes/film/", offer_steps.step_film, name="offer-step-film"),
    path("offres/<int:offer_id>/etapes/details/", offer_steps.step_details, name="offer-step-details"),
    path("offres/<int:offer_id>/etapes/seances/", offer_steps.step_showtimes, name="offer-step-showtimes"),
    path("offres/<int:offer_id>/etapes/prix/", offer_steps.step_price, name="offer-step-price"),
    path("offres/<int:offer_id>/etapes/recapitulatif/", offer_steps.step_summary, name="offer-step-summary"),
    path("offres/<int:offer_id>/reprendre/", offer_steps.resume, name="offer-resume"),
    path("offres/films/", offer_views.film_suggestions, name="film-suggestions"),
    path("offres/<int:offer_id>/", offer_views.offer_detail, name="offer-detail"),
    path("offres/<int:offer_id>/modifier/", offer_views.offer_edit, name="offer-edit"),
    path("offres/<int:offer_id>/statut/", offer_views.offer_set_active, name="offer-set-active"),
    path("offres/<int:offer_id>/tarifs/", price_categories.offer_categories, name="offer-price-categories"),
    path(
        "offres/<int:offer_id>/tarifs/<int:category_id>/modifier/",
        price_categories.offer_category_edit,
        name="offer-price-category-edit",
    ),
    path(
        "offres/<int:offer_id>/tarifs/<int:category_id>/supprimer/",
        price_categories.offer_category_delete,
        name="offer-price-category-delete",
    ),
    path("offres/<int:offer_id>/seances/ajouter/", offer_views.showtimes_add, name="offer-showtimes"),
    path("offres/<int:offer_id>/stock/ajouter/", offer_views.thing_stock_add, name="offer-stock-add"),
    path("offres/<int:offer_id>/seances/<int:stock_id>/modifier/", offer_views.stock_edit, name="stock-edit"),
    path(
        "offres/<int:offer_id>/seances/<int:stock_id>/supprimer/",
        offer_views.stock_delete,
        name="stock-delete",
    ),
]
