"""Every form of the pro portal, the app and the back office (Django's admin included), found from the
URLconf, gets hostile values field by field and all at once: NUL, control and right-to-left characters,
100 kB strings, emoji, 10^12 and -1, years 0001 and 9999, text in number fields, a field sent twice. No
answer may be a server error (issue 12, point 13).

Each page is read as the person allowed to see it (a pro of a validated offerer, a beneficiary with a
credit, a staff superuser) and anonymously, with the URL's ids taken from a small world of real objects.
Each request runs in a savepoint rolled back afterwards, so every request meets the same world. The
number of forms and fields is printed and must not drop below what was found when this test was written:
a page that stops being discovered fails here. Run it on PostgreSQL too: NUL only fails there.
"""

import datetime as dt
import http.cookies
from collections import Counter

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.signals import got_request_exception
from django.db import transaction
from django.test import Client
from dsfr.models import DsfrConfig

from passculture.core.bookings.models import BookingExportJob, CounterAttempt
from passculture.core.bookings.services import book_offer
from passculture.core.credit.factories import DepositFactory
from passculture.core.films.services import find_or_create_film
from passculture.core.finance.batches import generate_payment_batch
from passculture.core.finance.factories import (
    BankAccountFactory,
    CustomReimbursementRuleFactory,
    UsedBookingFactory,
)
from passculture.core.finance.periods import cutoff_instant, cutoff_on_or_before
from passculture.core.finance.pricing import price_bookings
from passculture.core.identity.factories import IdentityCheckFactory
from passculture.core.jobs.models import JobRun
from passculture.core.notifications.services import queue_email
from passculture.core.offerers import api_keys
from passculture.core.offerers.constants import ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, OffererFactory, VenueFactory
from passculture.core.offers import price_categories
from passculture.core.offers.factories import OfferFactory, StockFactory, ThingOfferFactory, ThingStockFactory
from passculture.core.providers.allocine.models import (
    AllocineImportRun,
    AllocineTheater,
    AllocineVanishedShowtime,
    AllocineVenueSettings,
)
from passculture.core.providers.ticketing.models import Provider, VenueProviderLink
from passculture.core.users.factories import ProFactory, StaffFactory, UserFactory
from passculture.core.users.models import AccountDeletionRequest
from tests.form_fuzz import (
    ALL_AT_ONCE,
    HtmlForm,
    admin_model,
    discover_routes,
    forms_of,
    fuzzable,
    hostile_values,
    route_path,
)

pytestmark = pytest.mark.django_db
# Who sees the pages of each audience (besides anonymous visitors).
AUDIENCE_USERS = {"pro": ("pro",), "beneficiary": ("beneficiary", "newcomer"), "staff": ("staff",)}

# What the discovery found when this test was written (forms, fields fuzzed), per audience: fewer means a
# page or a form is no longer reached.
AT_LEAST = {
    # Price categories (decision 0027): a venue's labels, an offer's prices, the price picked when booking.
    "pro": (35, 131),
    "beneficiary": (16, 42),
    # Django's group and django-dsfr's settings pages left the back office (3 forms, 37 fields); the
    # ticketing providers' pages came (7 forms, 17 fields).
    "staff": (76, 349),
}


@pytest.fixture
def world(db, settings, tmp_path):
    """The objects whose ids fill the URLs, and the people who see the pages."""
    settings.MEDIA_ROOT = tmp_path / "media"
    now = dt.datetime.now(dt.UTC)
    pro = ProFactory()
    venue = VenueFactory()
    MembershipFactory(user=pro, offerer=venue.offerer)
    beneficiary = UserFactory()
    DepositFactory(user=beneficiary)
    # 18, no credit yet: sees the identity form.
    newcomer = UserFactory()
    staff = StaffFactory()

    film = find_or_create_film(title="Les Voyageurs du Nord", year=2026, visa="158963")
    offer = OfferFactory(venue=venue, name="Les Voyageurs du Nord", film=film)
    stock = StockFactory(offer=offer, beginning_datetime=now + dt.timedelta(days=5))
    booking = book_offer(beneficiary, stock.pk)
    # Not booked yet by the beneficiary: its page shows the booking form.
    bookable = StockFactory(offer__venue=venue, beginning_datetime=now + dt.timedelta(days=6))
    thing = ThingOfferFactory(venue=venue)
    thing_stock = ThingStockFactory(offer=thing)
    key = api_keys.create_api_key(venue.offerer_id, actor=pro, label="Caisse 1").key
    asking = MembershipFactory(offerer=venue.offerer, validation_status=ValidationStatus.PENDING)
    theater = AllocineTheater.objects.create(siret=venue.siret, theater_id="P0001", internal_id="C0001")
    AllocineVenueSettings.objects.create(venue=venue, theater=theater, price_cents=700, quantity=80)
    alert = AllocineVanishedShowtime.objects.create(venue=venue, stock=stock, detected_at=now)
    account = BankAccountFactory(venue=venue)
    job = BookingExportJob.objects.create(
        offerer=venue.offerer, requested_by=pro, format="xlsx", rows_total=5000, created_at=now
    )

    pending = OffererFactory(validation_status=ValidationStatus.PENDING)
    MembershipFactory(offerer=pending)
    check = IdentityCheckFactory(with_photo=True)
    rule = CustomReimbursementRuleFactory(venue=venue, valid_from=now + dt.timedelta(days=30))
    paid = VenueFactory(name="Éden")
    BankAccountFactory(venue=paid, accepted=True, decided_at=now - dt.timedelta(days=60))
    cutoff = cutoff_on_or_before(dt.date.today() - dt.timedelta(days=1))
    UsedBookingFactory(stock__offer__venue=paid, used_at=cutoff_instant(cutoff) - dt.timedelta(days=2))
    price_bookings(at=now)
    batch = generate_payment_batch(cutoff)
    # One row of every model the admin shows, for its change, delete and history pages.
    Group.objects.create(name="Support")
    DsfrConfig.objects.create(language="fr")
    CounterAttempt.objects.create(token=booking.token, booking=booking, actor=pro, result="success")
    AllocineImportRun.objects.create(venue=venue, started_at=now, errors=[])
    JobRun.objects.create(name="auto_validation", last_started_at=now)
    AccountDeletionRequest.objects.create(user=UserFactory(is_active=False), requested_at=now)
    queue_email(kind="fuzz", to=[pro.email], subject="Bonjour", text_body="Bonjour", related=venue)
    # A link request waits in the back office's queue; the pro's own venue shows the request form.
    provider = Provider.objects.create(
        name="Billetterie de test", booking_url="https://billetterie.example.com/r"
    )
    link = VenueProviderLink.objects.create(venue=paid, provider=provider, venue_id_at_provider="EDEN-1")
    category = price_categories.create_price_category(offer, label="Tarif réduit", price_cents=650)

    common = {
        "venue_id": venue.pk,
        "booking_id": booking.pk,
        "key_id": key.pk,
        "membership_id": asking.pk,
        "alert_id": alert.pk,
        "account_id": account.pk,
        "check_id": check.pk,
        "rule_id": rule.pk,
        "batch_id": batch.pk,
        "line_id": batch.lines.first().pk,
        "job_id": job.pk,
        "name": "virement.xml",
        "token": "lien-invalide",
        "id": beneficiary.pk,
        "app_label": "offers",
        "provider_id": provider.pk,
        "link_id": link.pk,
        "label_id": category.label_id,
        "category_id": category.pk,
    }
    by_namespace = {
        "pro": [
            {**common, "offerer_id": venue.offerer_id, "offer_id": offer.pk, "stock_id": stock.pk},
            {**common, "offerer_id": venue.offerer_id, "offer_id": thing.pk, "stock_id": thing_stock.pk},
        ],
        "backoffice": [{**common, "offerer_id": pending.pk, "membership_id": pending.memberships.get().pk}],
        "app": [{**common, "offer_id": offer.pk, "stock_id": bookable.pk, "film_id": film.pk}],
        "admin": [common],
    }
    users = {"pro": pro, "beneficiary": beneficiary, "newcomer": newcomer, "staff": staff}
    # Password-reset links are signed with the last login: theirs never log in during the test.
    users.update(reset_pro=ProFactory(), reset_beneficiary=UserFactory())
    return {"users": users, "values": by_namespace}


def _reset_links(world) -> dict[str, dict]:
    """Valid password-reset links, so that the new-password forms are shown."""
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    links = {}
    for namespace, user in (
        ("pro", world["users"]["reset_pro"]),
        ("app", world["users"]["reset_beneficiary"]),
    ):
        links[namespace] = {
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
    return links


def _paths(route, world, links) -> list[str]:
    scenarios = world["values"].get(route.namespace, [{}])
    if "uidb64" in route.kwargs:
        scenarios = [{**scenario, **links[route.namespace]} for scenario in scenarios]
    model = admin_model(route)
    if model is not None and "object_id" in route.kwargs:
        first = model._default_manager.order_by("pk").first()
        if first is None:
            return []
        scenarios = [{**scenario, "object_id": first.pk} for scenario in scenarios]
    paths = [route_path(route, scenario) for scenario in scenarios]
    return sorted({path for path in paths if path is not None})


def _client(user) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def discover(world) -> list[tuple[HtmlForm, str, http.cookies.SimpleCookie]]:
    """Every form of every page, with the audience that saw it and its cookies (session)."""
    links = _reset_links(world)
    found: dict[tuple, tuple[HtmlForm, str, http.cookies.SimpleCookie]] = {}
    unfilled = []
    for route in discover_routes():
        paths = _paths(route, world, links)
        if route.kwargs and not paths:
            unfilled.append(route.pattern)
        for path in paths:
            for who in (*AUDIENCE_USERS[route.audience], "anonymous"):
                client = _client(world["users"].get(who))
                response = client.get(path, follow=True)
                if response.status_code >= 500:
                    pytest.fail(f"GET {path} as {who}: {response.status_code}")
                if not response.get("Content-Type", "").startswith("text/html"):
                    continue
                page = response.redirect_chain[-1][0] if response.redirect_chain else path
                for form in forms_of(page, response.content.decode()):
                    if form.key not in found and any(fuzzable(item) for item in form.fields.values()):
                        found[form.key] = (form, route.audience, http.cookies.SimpleCookie(client.cookies))
    assert not unfilled, f"routes whose ids the world does not fill: {unfilled}"
    return list(found.values())


class FuzzClient(Client):
    """The test client without its copy of every template context rendered (the fuzz reads statuses
    only): a third faster on the admin's pages."""

    def request(self, **request):
        response = self.handler(self._base_environ(**request))
        if response.cookies:
            self.cookies.update(response.cookies)
        return response


class Sender:
    """Sends one request in a savepoint rolled back afterwards, with the discovery's cookies."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.requests = 0
        self._exception: BaseException | None = None
        got_request_exception.connect(self._record)

    def _record(self, sender, request=None, **kwargs):
        import sys

        self._exception = sys.exc_info()[1]

    def close(self) -> None:
        got_request_exception.disconnect(self._record)

    def send(self, form: HtmlForm, cookies, data: dict, label: str) -> None:
        client = FuzzClient()
        client.cookies = http.cookies.SimpleCookie(cookies)
        self._exception = None
        savepoint = transaction.savepoint()
        try:
            if form.method == "get":
                response = client.get(form.action, data)
            else:
                response = client.post(form.action, data)
        finally:
            transaction.savepoint_rollback(savepoint)
            transaction.get_connection().needs_rollback = False
            cache.clear()
        self.requests += 1
        if response.status_code >= 500:
            self.failures.append(
                f"{form.method.upper()} {form.action} [{label}]: {response.status_code} {self._exception!r}"[
                    :400
                ]
            )


def _short(value) -> str:
    text = repr(value)
    return text if len(text) < 40 else f"{text[:30]}…({len(str(value))} chars)"


def test_no_form_answers_a_server_error_whatever_is_typed(world):
    forms = discover(world)
    sender = Sender()
    coverage: Counter = Counter()
    fuzzed_one_by_one: set[tuple] = set()
    try:
        for form, audience, cookies in forms:
            targets = [item for item in form.fields.values() if fuzzable(item)]
            coverage[(audience, "forms")] += 1
            coverage[(audience, "fields")] += len(targets)
            baseline = form.baseline()
            for item in targets:
                if (form.family, item.name, item.kind) in fuzzed_one_by_one:
                    continue
                fuzzed_one_by_one.add((form.family, item.name, item.kind))
                for value in hostile_values(item):
                    data = {**baseline, item.name: value if isinstance(value, list) else [value]}
                    sender.send(form, cookies, data, f"{item.name}={_short(value)}")
            for value in ALL_AT_ONCE:
                data = {**baseline, **{item.name: [value] for item in targets}}
                sender.send(form, cookies, data, f"every field={_short(value)}")
    finally:
        sender.close()

    summary = {
        audience: (coverage[(audience, "forms")], coverage[(audience, "fields")]) for audience in AT_LEAST
    }
    print(f"\nform fuzz: {len(forms)} forms, {sum(f for _, f in summary.values())} fields "
          f"({len(fuzzed_one_by_one)} fuzzed one by one, the others all at once like every field), "
          f"{sender.requests} requests; by audience (forms, fields): {summary}")  # fmt: skip
    assert not sender.failures, f"{len(sender.failures)} server errors:\n" + "\n".join(sender.failures[:40])
    for audience, (forms_min, fields_min) in AT_LEAST.items():
        assert summary[audience][0] >= forms_min and summary[audience][1] >= fields_min, (audience, summary)
