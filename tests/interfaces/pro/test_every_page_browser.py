"""Every page of the pro portal, found from its URL patterns, in a real browser: axe reports no critical or
serious violation, headings go down one level at a time under a single h1, no table caption repeats the
heading just above it, and nothing scrolls sideways at 1280x800. A page added later is crawled too: its URL
parameters are filled from the cinema below; a page this test cannot reach fails it (see SKIPPED)."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

from passculture.core.bookings.factories import BookingFactory
from passculture.core.bookings.models import BookingExportJob
from passculture.core.finance.batches import generate_payment_batch
from passculture.core.finance.factories import BankAccountFactory, UsedBookingFactory
from passculture.core.finance.models import PaymentBatch
from passculture.core.finance.pricing import price_bookings
from passculture.core.offerers.api_keys import create_api_key
from passculture.core.offerers.constants import MembershipRole, ValidationStatus
from passculture.core.offerers.factories import MembershipFactory, VenueFactory
from passculture.core.offers.factories import OfferFactory, StockFactory
from passculture.core.offers.price_categories import create_price_category
from passculture.core.providers.allocine.models import AllocineTheater, AllocineVenueSettings
from passculture.core.providers.ticketing.models import Provider
from tests.browser import BROWSER_MARKS, assert_accessible, log_in, screenshot
from tests.conftest import utc

pytestmark = BROWSER_MARKS

NOW = utc(2026, 3, 17, 6, 0)
# Pages that are not pages: one-time links from emails (their own tests cover them), and files.
SKIPPED = {"confirm-email", "password-reset-confirm"}
# The file of an export still waiting for its worker does not exist yet (tested with its job).
NOT_FOUND_ON_PURPOSE = {"bookings-export-job-download"}

PAGE_CHECKS = """() => {
  const problems = [];
  // Visually hidden text (fr-sr-only, DSFR's hidden captions) is clipped to a pixel or less.
  const visible = (el) => { const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && getComputedStyle(el).visibility !== "hidden"; };
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(visible);
  const h1s = headings.filter((h) => h.tagName === "H1");
  if (h1s.length !== 1) problems.push(`${h1s.length} h1`);
  let level = 0;
  for (const h of headings) {
    const next = Number(h.tagName[1]);
    if (next > level + 1) problems.push(`h${level} then h${next} "${h.textContent.trim()}"`);
    level = next;
  }
  for (const caption of document.querySelectorAll("caption")) {
    if (!visible(caption)) continue;
    const previous = headings.filter((h) => h.compareDocumentPosition(caption) & Node.DOCUMENT_POSITION_FOLLOWING).pop();
    if (previous && previous.textContent.trim() === caption.textContent.trim())
      problems.push(`caption repeats its heading "${caption.textContent.trim()}"`);
  }
  if (document.documentElement.scrollWidth > innerWidth) {
    const wide = [...document.querySelectorAll("main *")].filter((el) => el.getBoundingClientRect().right > innerWidth)
      .slice(0, 3).map((el) => el.tagName + "." + el.className);
    problems.push(`scrolls sideways: ${document.documentElement.scrollWidth}px (${wide.join(", ")})`);
  }
  return problems;
}"""


@pytest.fixture
def cinema(transactional_db, time_machine):
    time_machine.move_to(NOW, tick=True)
    venue = VenueFactory(
        name="Le Carré Nantais", offerer__name="Le Carré Nantais SAS", siret="73282932000074"
    )
    BankAccountFactory(venue=venue, accepted=True, decided_at=utc(2026, 1, 5, 9, 0))
    UsedBookingFactory(stock__offer__venue=venue, amount_cents=800, used_at=utc(2026, 3, 10, 12, 0))
    price_bookings(at=NOW)
    generate_payment_batch(dt.date(2026, 3, 16))
    UsedBookingFactory(stock__offer__venue=venue, amount_cents=650, used_at=utc(2026, 3, 17, 5, 0))
    price_bookings(at=NOW)
    stock = StockFactory(
        offer__venue=venue, offer__name="La Nuit des lucioles", beginning_datetime=NOW + dt.timedelta(days=2)
    )
    booking = BookingFactory(stock=stock)
    theater = AllocineTheater.objects.create(siret=venue.siret, theater_id="P0645", internal_id="C0645")
    AllocineVenueSettings.objects.create(venue=venue, theater=theater, price_cents=500, is_active=True)
    Provider.objects.create(name="Billetterie de référence")  # the venue page shows its link request form
    admin = MembershipFactory(offerer=venue.offerer, role=MembershipRole.ADMIN).user
    pending = MembershipFactory(offerer=venue.offerer, validation_status=ValidationStatus.NEW)
    key = create_api_key(venue.offerer_id, actor=admin, label="Caisse").key
    job = BookingExportJob.objects.create(  # a large export, waiting for its worker
        offerer=venue.offerer, requested_by=admin, format="xlsx", rows_total=5000, created_at=NOW
    )
    draft = OfferFactory(venue=venue, name="Brouillon de film", is_draft=True, is_active=False)
    category = create_price_category(stock.offer, label="Tarif réduit", price_cents=650)
    return {
        "label_id": category.label_id,
        "category_id": category.pk,
        "admin": admin,
        "draft_id": draft.pk,
        "job_id": job.pk,
        "offerer_id": venue.offerer_id,
        "alert_id": 1,  # "Garder la séance" is POST only
        "venue_id": venue.pk,
        "offer_id": stock.offer_id,
        "stock_id": stock.pk,
        "booking_id": booking.pk,
        "batch_id": PaymentBatch.objects.get().pk,
        "membership_id": pending.pk,
        "key_id": key.pk,
    }


def _pro_pages(cinema) -> list[str]:
    urls = []
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "app_name", None) == "pro" or getattr(pattern, "namespace", None) == "pro":
            resolver = pattern
            break
    for entry in resolver.url_patterns:
        assert isinstance(entry, URLPattern)
        if entry.name in SKIPPED:
            continue
        names = list(entry.pattern.regex.groupindex)
        missing = [name for name in names if name not in cinema]
        assert not missing, f"no value for {missing} of pro:{entry.name}: add one to the cinema fixture"
        values = dict(cinema, offer_id=cinema["draft_id"]) if entry.name.startswith("offer-step") else cinema
        if entry.name not in NOT_FOUND_ON_PURPOSE:
            urls.append(reverse(f"pro:{entry.name}", kwargs={name: values[name] for name in names}))
    return urls


def test_every_pro_page_passes_axe_and_keeps_its_headings_in_order(page, live_server, cinema):
    client = Client()
    client.force_login(cinema["admin"])
    pages, others = [], []
    for url in _pro_pages(cinema):
        response = client.get(url)
        html = response.status_code == 200 and response["Content-Type"].startswith("text/html")
        (pages if html and "<h1" in response.content.decode() else others).append((url, response.status_code))
    assert len(pages) >= 20, pages
    # Everything else answers on purpose: POST-only actions (405), downloads, redirects, htmx fragments.
    assert all(status in (200, 302, 405) for _url, status in others), [
        o for o in others if o[1] not in (200, 302, 405)
    ]

    log_in(page, Client(), cinema["admin"], live_server.url)
    page.set_viewport_size({"width": 1280, "height": 800})
    problems = {}
    for url, _status in pages:
        page.goto(live_server.url + url)
        assert_accessible(page, url)
        found = page.evaluate(PAGE_CHECKS)
        if found:
            problems[url] = found
            screenshot(page, "pro-page-problem" + url.replace("/", "-").rstrip("-"))
    page.context.clear_cookies()
    for name in ("login", "signup", "signup-done", "resend-confirmation", "password-reset"):
        page.goto(live_server.url + reverse(f"pro:{name}"))
        assert_accessible(page, name)
        if found := page.evaluate(PAGE_CHECKS):
            problems[name] = found
    assert not problems, "\n".join(f"{url}: {found}" for url, found in problems.items())
