"""The ONE table from DomainError codes to HTTP statuses. Views never build error bodies."""

from passculture.core.common.exceptions import DomainError, InvalidInput, NotFound, PermissionDenied

STATUS_BY_CODE: dict[str, int] = {
    # authentication
    "INVALID_CREDENTIALS": 401,
    "INVALID_TOKEN": 401,
    "TOKEN_EXPIRED": 401,
    "UNAUTHENTICATED": 401,
    "ACCOUNT_INACTIVE": 401,
    "EMAIL_NOT_VALIDATED": 403,
    "NOT_A_BENEFICIARY": 403,
    # credit
    "NO_DEPOSIT": 403,
    "DEPOSIT_EXPIRED": 403,
    "INSUFFICIENT_CREDIT": 400,
    "DIGITAL_CAP_REACHED": 400,
    "NOT_ELIGIBLE": 403,
    "NOT_YET_ELIGIBLE": 403,
    "NO_LONGER_ELIGIBLE": 403,
    "NO_CREDIT_POLICY": 409,
    "DEPOSIT_ALREADY_GRANTED": 409,
    # identity checks (input errors such as INVALID_DOCUMENT_NUMBER or DOCUMENT_PHOTO_* are InvalidInput: 400)
    "IDENTITY_CHECK_ALREADY_OPEN": 409,
    "IDENTITY_ALREADY_VERIFIED": 409,
    "IDENTITY_CHECK_NOT_PENDING": 409,
    "IDENTITY_DATA_MISMATCH": 409,
    # offers and stocks
    "OFFER_INACTIVE": 400,
    "VENUE_NOT_VALIDATED": 400,
    "OFFERER_NOT_VALIDATED": 400,
    "STOCK_DELETED": 400,
    "BOOKING_LIMIT_PASSED": 400,
    "EVENT_STARTED": 400,
    "NOT_ENOUGH_PLACES": 400,
    "STOCK_DELETION_TOO_LATE": 400,
    "STOCK_START_IN_PAST": 400,
    "STOCK_ALREADY_STARTED": 400,
    # price categories (label and price input errors are InvalidInput: 400)
    "PRICE_CATEGORY_LABEL_ALREADY_EXISTS": 409,
    "PRICE_CATEGORY_LABEL_IN_USE": 409,
    "PRICE_CATEGORY_ALREADY_EXISTS": 409,
    "ID_AT_PROVIDER_TAKEN": 409,
    "PRICE_CATEGORY_IN_USE": 409,
    # public API for cinema software (decision 28): other providers' things are NotFound (404), limits and
    # unknown films InvalidInput (400); a push meeting a concurrent change of its rows may simply be resent
    "PUSH_CONFLICT": 409,
    # bookings
    "ALREADY_BOOKED": 409,
    "FAVOURITES_LIMIT_REACHED": 409,
    "INVALID_BOOKING_QUANTITY": 400,
    "CANCELLATION_LIMIT_PASSED": 400,
    "BOOKING_NOT_CANCELLABLE": 400,
    "CANCELLATION_MESSAGE_TOO_LONG": 400,
    "TOKEN_GENERATION_FAILED": 503,
    # "Tu as aimé ?" after the show (decision 0034; FEEDBACK_INVALID is InvalidInput: 400)
    "FEEDBACK_ALREADY_GIVEN": 409,
    "FEEDBACK_BOOKING_NOT_USED": 409,
    "FEEDBACK_BOOKING_CANCELLED": 409,
    "FEEDBACK_SHOW_NOT_OVER": 409,
    # counter (RULES.md "Counter"): 404 unknown, 403 other offerer, 410 cancelled or already used,
    # 403 reimbursed, 403 still inside the cancellation window
    "COUNTERMARK_NOT_FOUND": 404,
    "INVALID_COUNTERMARK": 404,
    "BOOKING_OTHER_OFFERER": 403,
    "BOOKING_CANCELLED": 410,
    "BOOKING_ALREADY_USED": 410,
    "BOOKING_REIMBURSED": 403,
    "BOOKING_NOT_YET_VALIDATABLE": 403,
    "BOOKING_NOT_USED": 410,
    # offerers
    "OFFERER_ACCESS_DENIED": 403,
    "SIREN_ALREADY_REGISTERED": 409,
    "SIRET_ALREADY_REGISTERED": 409,
    "VENUE_CHANGED_CONCURRENTLY": 409,
    "EMAIL_ALREADY_USED": 409,
    "RATE_LIMITED": 429,
    # a service the platform needs (the rate-limit counters' Redis) does not answer
    "SERVICE_UNAVAILABLE": 503,
    "PUSH_NOT_CONFIGURED": 503,
    # bank details (the input errors INVALID_IBAN, BIC_IBAN_MISMATCH... are InvalidInput: 400)
    "BANK_ACCOUNT_NOT_PENDING": 409,
    "BANK_ACCOUNT_ALREADY_SUBMITTED": 409,
    "BANK_ACCOUNT_CHANGED_CONCURRENTLY": 409,
    # reimbursement pricing (like an already reimbursed booking at the counter: 403)
    "BOOKING_IN_PAYMENT_BATCH": 403,
    "CUSTOM_RULE_OVERLAP": 409,
    "CUSTOM_RULE_ALREADY_ENDED": 409,
    # pro sign-up, account links and validation queues
    "REGISTRY_UNAVAILABLE": 503,
    "NOT_A_PROFESSIONAL": 403,
    "EMAIL_CONFIRMATION_LINK_EXPIRED": 410,
    "INVALID_EMAIL_CONFIRMATION_LINK": 400,
    "INVALID_PASSWORD_RESET_LINK": 400,
    # beneficiaries' accounts (sign-up field errors are InvalidInput: 400)
    "EMAIL_ALREADY_CONFIRMED": 409,
    "INCORRECT_PASSWORD": 400,
    "NOT_OFFERER_ADMIN": 403,
    "MEMBERSHIP_NOT_PENDING": 409,
    "OFFERER_NOT_PENDING": 409,
    # ticketing API keys (API v2)
    "INVALID_API_KEY": 401,
    "API_KEY_REVOKED": 401,
    "API_KEY_LIMIT_REACHED": 409,
    "API_KEY_NOT_FOUND": 404,
    "API_KEYS_ADMIN_ONLY": 403,
    "API_KEY_GENERATION_FAILED": 503,
    # Allociné import: the upstream service failed, not the caller's request
    "ALLOCINE_UNAVAILABLE": 503,
    "ALLOCINE_UNAUTHORIZED": 502,
    "ALLOCINE_REQUEST_REJECTED": 502,
    "ALLOCINE_BAD_PAYLOAD": 502,
    "ALLOCINE_ALERT_NOT_FOUND": 404,
    # booking through a cinema's ticketing system (decision 0029): refused there, or it did not answer
    "TICKETING_SOLD_OUT": 409,
    "TICKETING_NOT_ENOUGH_SEATS": 409,
    "TICKETING_SELLING_STOPPED": 409,
    "TICKETING_STOCK_NOT_LINKED": 409,
    "TICKETING_BOOKING_IN_PROGRESS": 409,
    "TICKETING_UNAVAILABLE": 503,
    "TICKETING_SECRET_MISSING": 409,
    # reimbursement files (NOT_A_CUTOFF, INVALID_TRANSFER_AMOUNT, NO_TRANSFER... are InvalidInput: 400);
    # a generated SEPA file that fails its schema is our bug, not the caller's
    "SEPA_FILE_INVALID": 500,
    # payment batches (PAYMENT_ERROR_REASON_REQUIRED is InvalidInput: 400)
    "PAYMENT_BATCH_ALREADY_SENT": 409,
    "PAYMENT_LINE_ALREADY_IN_ERROR": 409,
}

# A request that does not match the API schema (wrong type, missing field), before any domain rule runs.
REQUEST_VALIDATION_STATUS = 422

# Errors of HTTP itself, before or around any operation (an unknown address, a wrong method, a body too
# large, an unexpected failure): the code each status is answered with under /api/.
HTTP_ERROR_CODES: dict[int, str] = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "PAYLOAD_TOO_LARGE",
    500: "SERVER_ERROR",
}


def status_for(error: DomainError) -> int:
    if error.code in STATUS_BY_CODE:
        return STATUS_BY_CODE[error.code]
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, InvalidInput):
        return 400
    return 400


def error_body(error: DomainError) -> dict:
    return {"code": error.code, "message": error.message}
