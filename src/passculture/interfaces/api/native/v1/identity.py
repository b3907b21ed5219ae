"""The beneficiary's identity check: its state, and the submission (multipart: fields and photo)."""

import datetime as dt

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Status, UploadedFile

from passculture.core.credit.selectors import balance_of_deposit
from passculture.core.identity.constants import REJECTION_HINTS, CheckStatus, DocumentType, RejectionReason
from passculture.core.identity.selectors import identity_state
from passculture.core.identity.services import submit_identity_check
from passculture.core.identity.validation import IdentityData

from .schemas import CENTS, CamelInSchema, CamelSchema, ErrorOut, InvalidInputOut

router = Router(tags=["Vérification d'identité"])


class DocumentTypeOut(CamelSchema):
    code: DocumentType
    label: str


class RejectionOut(CamelSchema):
    code: RejectionReason = Field(description="Motif, code stable.")
    label: str
    hint: str = Field(description="Ce que la personne peut faire (peut être vide).")
    comment: str = Field(description="Précision écrite par l'équipe (peut être vide).")


class IdentityCheckOut(CamelSchema):
    id: int
    status: CheckStatus = Field(description="SUBMITTED (en cours), APPROVED ou REJECTED.")
    provider: str
    document_type: DocumentType
    document_number: str
    first_name: str
    last_name: str
    birth_date: dt.date | None
    has_photo: bool
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None
    rejection: RejectionOut | None = Field(description="Le motif, pour une demande refusée.")


class EligibilityOut(CamelSchema):
    status: str = Field(
        description="NOT_YET, ELIGIBLE, NO_LONGER ou UNKNOWN (d'après la date de naissance du compte)."
    )
    eligible_from: dt.date | None = Field(description="18e anniversaire.")
    eligible_until: dt.date | None = Field(description="19e anniversaire (exclu).")
    message: str


class GrantedCreditOut(CamelSchema):
    amount: int = Field(description=CENTS)
    expiration_date: dt.datetime


class IdentityStateOut(CamelSchema):
    status: str = Field(description="NOT_STARTED, SUBMITTED, APPROVED ou REJECTED (la dernière demande).")
    can_submit: bool = Field(description="Une demande peut être envoyée maintenant.")
    cannot_submit: ErrorOut | None = Field(
        description="Pourquoi une demande ne peut pas être envoyée : EMAIL_NOT_VALIDATED, NOT_YET_ELIGIBLE, "
        "NO_LONGER_ELIGIBLE, IDENTITY_CHECK_ALREADY_OPEN, IDENTITY_ALREADY_VERIFIED, NOT_A_BENEFICIARY."
    )
    eligibility: EligibilityOut
    check: IdentityCheckOut | None = Field(description="La dernière demande, null s'il n'y en a pas.")
    credit: GrantedCreditOut | None = Field(description="Le crédit attribué, null avant la validation.")
    accepted_document_types: list[DocumentTypeOut]


class IdentityCheckIn(CamelInSchema):
    document_type: DocumentType
    document_number: str = Field(max_length=40, description="Tel qu'il figure sur le document.")
    first_name: str = Field(max_length=128, description="Tous les prénoms, comme sur le document.")
    last_name: str = Field(max_length=128)
    birth_date: dt.date = Field(description="Date de naissance inscrite sur le document (AAAA-MM-JJ).")


def _check(check) -> dict | None:
    if check is None:
        return None
    rejection = None
    if check.status == CheckStatus.REJECTED and check.rejection_reason:
        reason = RejectionReason(check.rejection_reason)
        rejection = {
            "code": reason,
            "label": reason.label,
            "hint": REJECTION_HINTS.get(reason, ""),
            "comment": check.rejection_comment,
        }
    return {
        "id": check.pk,
        "status": check.status,
        "provider": check.provider,
        "document_type": check.document_type,
        "document_number": check.document_number,
        "first_name": check.first_name,
        "last_name": check.last_name,
        "birth_date": check.birth_date,
        "has_photo": bool(check.document_photo),
        "submitted_at": check.submitted_at,
        "reviewed_at": check.reviewed_at,
        "rejection": rejection,
    }


def _state(user) -> dict:
    state = identity_state(user)
    credit = None
    if state.deposit is not None:
        balance = balance_of_deposit(state.deposit)
        credit = {"amount": balance.initial_cents, "expiration_date": balance.expires_at}
    blocker = state.blocker
    info = state.eligibility
    return {
        "status": state.status,
        "can_submit": state.can_submit,
        "cannot_submit": {"code": blocker.code, "message": blocker.message} if blocker is not None else None,
        "eligibility": {
            "status": info.status,
            "eligible_from": info.eligible_from,
            "eligible_until": info.eligible_until,
            "message": info.message,
        },
        "check": _check(state.check),
        "credit": credit,
        "accepted_document_types": [{"code": value, "label": label} for value, label in DocumentType.choices],
    }


@router.get(
    "/identity_check",
    response={200: IdentityStateOut, 401: ErrorOut},
    by_alias=True,
    summary="Ma vérification d'identité",
    description="L'état de la dernière demande, l'éligibilité et, si une demande ne peut pas être "
    "envoyée, pourquoi (`cannotSubmit.code`).",
)
def get_identity_check(request: HttpRequest):
    return _state(request.auth)


@router.post(
    "/identity_check",
    response={
        201: IdentityStateOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ErrorOut,
        422: InvalidInputOut,
    },
    by_alias=True,
    summary="Envoyer ma pièce d'identité",
    description="`multipart/form-data` : `documentType`, `documentNumber`, `firstName`, `lastName`, "
    "`birthDate` et `photo` (JPEG ou PNG, 10 Mo au plus). Refus : 403 `EMAIL_NOT_VALIDATED`, "
    "`NOT_YET_ELIGIBLE`, `NO_LONGER_ELIGIBLE`, `NOT_A_BENEFICIARY` ; 409 `IDENTITY_CHECK_ALREADY_OPEN`, "
    "`IDENTITY_ALREADY_VERIFIED` ; 400 `INVALID_DOCUMENT_NUMBER`, `INVALID_IDENTITY_NAME`, "
    "`INVALID_BIRTH_DATE`, `DOCUMENT_PHOTO_*` (type, taille, image illisible).",
)
def submit(request: HttpRequest, payload: Form[IdentityCheckIn], photo: File[UploadedFile]):
    data = IdentityData(
        document_type=payload.document_type,
        document_number=payload.document_number,
        first_name=payload.first_name,
        last_name=payload.last_name,
        birth_date=payload.birth_date,
    )
    submit_identity_check(request.auth, data, photo=photo)
    return Status(201, _state(request.auth))
