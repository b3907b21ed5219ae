"""HTTP calls to a cinema's system, as docs/ticketing-provider-contract.md says: a JSON body signed with
`PassCulture-Signature`, explicit timeouts, and every outcome recorded on the link (its health).

Never called while a transaction holds a row lock (external_bookings commits before calling)."""

import json
import logging
from dataclasses import dataclass, field

import httpx
from django.conf import settings
from django.db.models import F

from passculture.core.common.exceptions import DomainError
from passculture.core.common.time import now as utcnow

from .models import VenueProviderLink, is_loopback_http, webhook_url
from .signing import SIGNATURE_HEADER, secret_of, sign

logger = logging.getLogger(__name__)
MAX_BARCODE_LENGTH = 100
MAX_SEAT_LENGTH = 100
REFUSALS = {"sold_out", "not_enough_seats"}


@dataclass
class Answer:
    """What a call gave: `ok`; `refusal` (a 409 sold_out / not_enough_seats); else `error` (for the
    link's health). `tickets` may hold barcodes even when the answer is bad: they must be cancelled."""

    ok: bool = False
    status: int | None = None
    refusal: str = ""
    error: str = ""
    tickets: list[dict] = field(default_factory=list)
    remaining: int | None = None
    body: object = None


def encode(payload: dict) -> bytes:
    return json.dumps(payload).encode()


def _check_url(url: str) -> None:
    """The URL was validated when saved; checked again so that a loosened setting or a row written
    around the forms never sends personal data in clear outside this machine."""
    webhook_url(url)
    if url.startswith("http://") and not is_loopback_http(url):  # pragma: no cover - webhook_url refuses
        raise ValueError("http outside loopback")


def post(link: VenueProviderLink, kind: str, payload: dict) -> Answer:
    """POSTs `payload` to the link's `kind` URL (booking, cancel, notification); never raises."""
    url = link.url(kind)
    answer = Answer()
    try:
        if not url:
            answer.error = f"aucune adresse {kind}"
            return answer
        _check_url(url)
        body = encode(payload)
        headers = {"Content-Type": "application/json", SIGNATURE_HEADER: sign(secret_of(link.provider), body)}
        timeout = httpx.Timeout(
            settings.TICKETING_TIMEOUT_SECONDS, connect=min(settings.TICKETING_TIMEOUT_SECONDS, 5)
        )
        with httpx.Client(timeout=timeout, follow_redirects=False) as client:
            response = client.post(url, content=body, headers=headers)
        answer.status = response.status_code
        try:
            answer.body = response.json() if response.content else None
        except ValueError:
            answer.body = None
    except httpx.TimeoutException:
        answer.error = f"délai dépassé ({settings.TICKETING_TIMEOUT_SECONDS:g} s)"
    except httpx.HTTPError as error:
        answer.error = f"connexion impossible ({type(error).__name__})"
    except DomainError as error:  # no signing secret yet
        answer.error = error.message
    except Exception as error:  # a bad URL must not turn into a crash of the booking
        answer.error = f"appel impossible ({type(error).__name__})"
    return answer


def _tickets(body: object) -> list[dict]:
    """The well-formed tickets of a booking answer (the ones to keep, or to cancel if the answer is bad)."""
    raw = body.get("tickets") if isinstance(body, dict) else None
    tickets = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        barcode, seat = item.get("barcode"), item.get("seat")
        if isinstance(barcode, str) and 0 < len(barcode.strip()) <= MAX_BARCODE_LENGTH:
            seat = seat.strip()[:MAX_SEAT_LENGTH] if isinstance(seat, str) else ""
            tickets.append({"barcode": barcode.strip(), "seat": seat})
    return tickets


def _remaining(body: object) -> int | None:
    value = body.get("remainingQuantity") if isinstance(body, dict) else None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def book(link: VenueProviderLink, payload: dict) -> Answer:
    answer = post(link, "booking", payload)
    if answer.status is None:
        return record(link, answer)
    body = answer.body
    answer.remaining = _remaining(body)
    if 200 <= answer.status < 300:
        answer.tickets = _tickets(body)
        raw = body.get("tickets") if isinstance(body, dict) else None
        barcodes = [ticket["barcode"] for ticket in answer.tickets]
        if (
            isinstance(raw, list)
            and len(raw) == payload["booking_quantity"] == len(answer.tickets)
            and len(set(barcodes)) == len(barcodes)
        ):
            answer.ok = True
        else:
            answer.error = "réponse illisible (billets manquants ou mal formés)"
    elif answer.status == 409 and isinstance(body, dict) and body.get("error") in REFUSALS:
        answer.refusal = str(body["error"])
    else:
        answer.error = f"réponse HTTP {answer.status}"
        answer.tickets = _tickets(body)  # a vendor who issued and then failed: cancel what it issued
    return record(link, answer)


def cancel(link: VenueProviderLink, barcodes: list[str]) -> Answer:
    answer = post(link, "cancel", {"barcodes": barcodes})
    if answer.status is not None:
        answer.remaining = _remaining(answer.body)
        error = answer.body.get("error") if isinstance(answer.body, dict) else None
        if 200 <= answer.status < 300 or (answer.status == 409 and error == "already_cancelled"):
            answer.ok = True
        else:
            answer.error = f"réponse HTTP {answer.status}" + (f" ({error})" if isinstance(error, str) else "")
    return record(link, answer)


def notify(link: VenueProviderLink, payload: dict) -> Answer:
    answer = post(link, "notification", payload)
    if answer.status is not None:
        if 200 <= answer.status < 300:
            answer.ok = True
        else:
            answer.error = f"réponse HTTP {answer.status}"
    return record(link, answer)


def record(link: VenueProviderLink, answer: Answer) -> Answer:
    """The link's health: last call, last success, errors since the last success and the last one.
    A 409 refusal is a correct answer. One UPDATE, no lock kept."""
    at = utcnow()
    if answer.ok or answer.refusal:
        VenueProviderLink.objects.filter(pk=link.pk).update(
            last_call_at=at, last_success_at=at, error_count=0
        )
    else:
        logger.warning("ticketing link %s: %s", link.pk, answer.error)
        VenueProviderLink.objects.filter(pk=link.pk).update(
            last_call_at=at,
            error_count=F("error_count") + 1,
            last_error=answer.error[:300],
            last_error_at=at,
        )
    return answer
