"""Staff pages beside the Django admin (validation queues). Mounted at /backoffice/ before the admin."""

from django.urls import path

from . import (
    allocine,
    allocine_imports,
    bank_accounts,
    credit_policies,
    identity,
    offerers,
    payments,
    reimbursement_rules,
    ticketing,
    views,
)

app_name = "backoffice"
urlpatterns = [
    path("files/", views.queues, name="queues"),
    path("files/structures/", offerers.offerer_queue, name="offerer-queue"),
    path("files/structures/<int:offerer_id>/valider/", offerers.offerer_validate, name="offerer-validate"),
    path("files/structures/<int:offerer_id>/rejeter/", offerers.offerer_reject, name="offerer-reject"),
    path("files/rattachements/", offerers.membership_queue, name="membership-queue"),
    path(
        "files/rattachements/<int:membership_id>/valider/",
        offerers.membership_validate,
        name="membership-validate",
    ),
    path(
        "files/rattachements/<int:membership_id>/refuser/",
        offerers.membership_reject,
        name="membership-reject",
    ),
    path("files/coordonnees-bancaires/", bank_accounts.bank_account_queue, name="bank-accounts"),
    path("files/allocine/", allocine.theaters, name="allocine-theaters"),
    path("files/allocine/imports/", allocine_imports.imports, name="allocine-imports"),
    path(
        "files/coordonnees-bancaires/<int:account_id>/valider/",
        bank_accounts.accept,
        name="bank-account-accept",
    ),
    path(
        "files/coordonnees-bancaires/<int:account_id>/refuser/",
        bank_accounts.reject,
        name="bank-account-reject",
    ),
    path("files/identite/", identity.identity_queue, name="identity-checks"),
    path("files/identite/<int:check_id>/", identity.identity_review, name="identity-check"),
    path("files/identite/<int:check_id>/photo/", identity.identity_photo, name="identity-check-photo"),
    path("files/identite/<int:check_id>/valider/", identity.identity_approve, name="identity-check-approve"),
    path("files/identite/<int:check_id>/refuser/", identity.identity_reject, name="identity-check-reject"),
    path("files/billetterie/", ticketing.link_queue, name="ticketing-links"),
    path("files/billetterie/<int:link_id>/activer/", ticketing.link_activate, name="ticketing-link-activate"),
    path("files/billetterie/<int:link_id>/refuser/", ticketing.link_refuse, name="ticketing-link-refuse"),
    path("logiciels/<int:provider_id>/cles/", ticketing.provider_keys, name="provider-keys"),
    path(
        "logiciels/<int:provider_id>/cles/<int:key_id>/revoquer/",
        ticketing.provider_key_revoke,
        name="provider-key-revoke",
    ),
    path("credit/baremes/", credit_policies.credit_policies, name="credit-policies"),
    path("paiements/lots/", payments.batch_list, name="payment-batches"),
    path("paiements/lots/<int:batch_id>/", payments.batch_detail, name="payment-batch"),
    path("paiements/lots/<int:batch_id>/envoye/", payments.batch_mark_sent, name="payment-batch-sent"),
    path(
        "paiements/lots/<int:batch_id>/fichiers/<str:name>",
        payments.batch_file,
        name="payment-batch-file",
    ),
    path("paiements/lignes/<int:line_id>/erreur/", payments.line_error, name="payment-line-error"),
    path("paiements/regles/", reimbursement_rules.rule_list, name="reimbursement-rules"),
    path(
        "paiements/regles/nouvelle/",
        reimbursement_rules.rule_create,
        name="reimbursement-rule-create",
    ),
    path(
        "paiements/regles/<int:rule_id>/terminer/",
        reimbursement_rules.rule_end,
        name="reimbursement-rule-end",
    ),
]
