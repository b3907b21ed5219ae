"""The schedule of periodic jobs: one table, in code. Each job is an idempotent function."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Job:
    name: str
    every: dt.timedelta
    func: str  # dotted path, imported lazily so this table stays import-light
    description: str

    def load(self) -> Callable[..., dict | None]:
        module_name, _, attr = self.func.rpartition(".")
        module = __import__(module_name, fromlist=[attr])
        return getattr(module, attr)


SCHEDULE: tuple[Job, ...] = (
    Job(
        "deliver_emails",
        dt.timedelta(minutes=1),
        "passculture.core.notifications.services.deliver_due_emails",
        "Envoie les emails en attente de l'outbox (relances avec délai croissant).",
    ),
    Job(
        "deliver_pushes",
        dt.timedelta(minutes=1),
        "passculture.core.notifications.push_delivery.deliver_due_pushes",
        "Envoie les notifications push en attente (relances avec délai croissant, 8 tentatives au plus).",
    ),
    Job(
        "show_reminders",
        dt.timedelta(minutes=15),
        "passculture.core.bookings.reminders.send_show_reminders",
        "Envoie le rappel avant la séance (la veille à 10 h, ou 3 h avant ; jamais de 22 h à 8 h, heure du lieu).",
    ),
    Job(
        "booking_digests",
        dt.timedelta(minutes=15),
        "passculture.core.bookings.digest.send_booking_digests",
        "Envoie aux lieux qui l'ont choisi le récapitulatif des réservations et annulations de la veille "
        "(à partir de 8 h, heure du lieu).",
    ),
    Job(
        "credit_reminders",
        dt.timedelta(hours=1),
        "passculture.core.credit.reminders.send_credit_reminders",
        "Rappelle aux jeunes leur crédit restant 90, 30 et 7 jours avant sa fin, avec des films près de chez eux "
        "(jamais de 22 h à 8 h, heure de chez eux).",
    ),
    Job(
        "auto_validate_bookings",
        dt.timedelta(hours=1),
        "passculture.core.bookings.services.auto_validate_bookings",
        "Valide les réservations d'événements 48 h après leur début.",
    ),
    Job(
        "price_bookings",
        dt.timedelta(hours=1),
        "passculture.core.finance.pricing.price_bookings",
        "Valorise les réservations remboursables (barème, règles dérogatoires) dans l'ordre de validation.",
    ),
    Job(
        "generate_payment_batch",
        dt.timedelta(hours=1),
        "passculture.core.finance.batches.generate_due_batch",
        "Crée le lot de virements de la dernière date de clôture (1er et 16), le lendemain de celle-ci.",
    ),
    Job(
        "purge_rate_counters",
        dt.timedelta(hours=1),
        "passculture.core.common.counters.purge_expired_counters",
        "Supprime de la base les compteurs de limitation (connexions, envois d'emails) dont la fenêtre est finie.",
    ),
    Job(
        "expire_bookings",
        dt.timedelta(days=1),
        "passculture.core.bookings.services.expire_bookings",
        "Annule les réservations de biens non retirées après 30 jours, rappel 7 jours avant.",
    ),
    Job(
        "grant_credits_of_new_age",
        dt.timedelta(days=1),
        "passculture.core.identity.services.grant_credits_of_new_age",
        "Attribue le crédit de 18 ans aux jeunes vérifiés à 17 ans (réforme 2025), le jour venu.",
    ),
    Job(
        "anonymise_deleted_accounts",
        dt.timedelta(days=1),
        "passculture.core.users.services.anonymise_deleted_accounts",
        "Anonymise les comptes dont la suppression a été demandée il y a au moins 30 jours.",
    ),
    Job(
        "allocine_sync",
        dt.timedelta(days=1),
        "passculture.core.providers.allocine.sync.sync_all",
        "Importe le programme AlloCiné des cinémas qui l'ont activé (offres, séances, affiches).",
    ),
    Job(
        "booking_export_jobs",
        dt.timedelta(minutes=1),
        "passculture.core.bookings.export_jobs.run_requested_export_jobs",
        "Prépare les gros exports de réservations demandés par les pros et supprime ceux de plus de 24 h.",
    ),
    Job(
        "ticketing_recovery",
        dt.timedelta(minutes=1),
        "passculture.core.providers.ticketing.outbox.recover",
        "Billetteries des cinémas : libère les réservations abandonnées, annule les billets orphelins, "
        "relance les annulations et notifications en échec.",
    ),
    Job(
        "allocine_requested_imports",
        dt.timedelta(minutes=1),
        "passculture.core.providers.allocine.services.sync_requested_imports",
        "Importe le programme AlloCiné des cinémas dont le pro vient d'enregistrer les réglages.",
    ),
)


def get_job(name: str) -> Job:
    for job in SCHEDULE:
        if job.name == name:
            return job
    raise KeyError(name)
