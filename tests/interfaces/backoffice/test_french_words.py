"""No English in the back office, and headings one level at a time: every admin page (lists, forms, histories, the home) and every page
of our own, crawled as a staff member, shows none of the words Django's admin and its models say in
English when they are left untranslated."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin

from passculture.core.bookings.services import book_offer
from passculture.core.users.constants import Role
from passculture.core.users.factories import UserFactory

from .pages import admin_pages, custom_pages, fill_back_office

ENGLISH = [
    "Administration de Django", "Site d’administration", "Sélectionnez l’objet", "True", "False", "None",
    "PENDING", "VALIDATED", "SENT", "ERROR", "CANCELLED", "CONFIRMED", "USED", "REIMBURSED", "EUR",
    "Django administration", "Django site admin", "Site administration", "View site", "Log out",
    "Change password", "Welcome", "Home", "Add", "Save", "Delete", "History", "Filter", "Filters",
    "Go", "Select", "to change", "to view", "Search", "Recent actions",
    "My actions", "None available", "Show all", "Clear all filters", "Yes", "No", "Unknown", "All",
    "Any date", "Today", "Past 7 days", "This month", "This year", "Has date", "No date", "Currently",
    "Change", "View", "Password", "Toggle", "Skip to main content", "Documentation",
    "Theme", "Close", "Remove", "results", "selected", "object", "objects", "Lookup", "Date/time",
    "User", "Users", "Created", "Updated", "created", "updated", "Name", "Email", "Status", "First",
    "Last", "Is", "is", "Can", "the", "and", "of", "by", "at", "Common", "Jobs", "Credit", "Offers",
    "Bookings", "Notifications", "Finance", "Offerers", "Venues", "Memberships", "Stocks", "Raw", "Staff", "Count", "Amount",
    "Kind", "Subject", "Run", "Runs", "Policy", "Deposit", "Attempt", "Attempts", "Log", "Logs",
    "Outbox", "email", "Settings", "Data", "Error", "Errors", "Label", "Token", "Device", "Channel",
]  # fmt: skip
# The English names of the models shown (their class names), as words.
MODEL_NAMES = sorted(
    {
        word
        for model in admin.site._registry
        for word in re.findall(r"[A-Z][a-z]+", model.__name__)
        if word not in {"Film", "Allocine", "Import", "Configuration", "Dsfr", "Group"}
    }
)
# Whole words, not inside a dotted code ("booking.created", an audit entry's stable action code).
WORDS = re.compile(
    r"(?<![\w.])("
    + "|".join(map(re.escape, sorted(set(ENGLISH + MODEL_NAMES), key=len, reverse=True)))
    + r")(?![\w.])"
)
# French elides "de" before a vowel: "Modification d'offre", never "Modification de offre" (an email
# address aside: "la demande de user4@example.com").
UNELIDED = re.compile(r"\b[Dd]e (?![\w.+-]*@)[aeiouyàâéèêîôûAEIOUYÀÂÉÈÊÎÔÛ]\w*")
# "Ajouter structure", "Aucun(e) disponible" (Django's French): an article is missing.
NO_ARTICLE = re.compile(r"Aucun\(e\)|\bAjouter (?!(?:un|une|des|le|la|les)\b|l')\w+")
SHOWN_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "summary"}


class ShownText(HTMLParser):
    """The text a person reads or hears: text nodes outside scripts and styles, labelling attributes,
    the value of buttons."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0
        # Headings and table captions in order: ("h2", "Text") / ("caption", "Text").
        self.outline: list[list[str]] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if re.fullmatch(r"h[1-6]|caption", tag):
            self._open = [tag, ""]
            self.outline.append(self._open)
        attrs = dict(attrs)
        self.parts += [value for name, value in attrs.items() if name in SHOWN_ATTRIBUTES and value]
        if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1
        if self._open is not None and tag == self._open[0]:
            self._open[1] = " ".join(self._open[1].split())
            self._open = None

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())
            if self._open is not None:
                self._open[1] += " " + data


def outline_faults(html: str) -> list[str]:
    """One h1 first, then no level skipped going down (h1 → h3), and no table caption repeating the
    heading just above it (read twice, shown as a second heading)."""
    parser = ShownText()
    parser.feed(html)
    faults, level, last_heading = [], 0, ""
    for tag, text in parser.outline:
        if tag == "caption":
            if text and text == last_heading:
                faults.append(f"caption repeats the heading {text!r}")
            continue
        new = int(tag[1])
        if new > level + 1 or (new == 1 and level):
            faults.append(f"h{level} → {tag} {text!r}")
        level, last_heading = new, text
    return faults


def english_in(html: str) -> list[str]:
    parser = ShownText()
    parser.feed(html)
    return sorted(
        {
            f"{match.group(0)!r} in {part[:80]!r}"
            for part in parser.parts
            for pattern in (WORDS, UNELIDED, NO_ARTICLE)
            for match in pattern.finditer(part)
        }
    )


@pytest.fixture
def staff_client(client, beneficiary, stock, pro):
    rows = fill_back_office(book_offer(beneficiary, stock.pk))
    staff = UserFactory(
        role=Role.STAFF, is_staff=True, is_superuser=False, birth_date=None, email="agent@example.com"
    )
    client.force_login(staff)
    client.rows, client.staff = rows, staff
    return client


def test_no_english_word_on_any_back_office_page(staff_client):
    found = {}
    pages = admin_pages(staff_client.staff) + custom_pages(staff_client.rows)
    for url in pages:
        response = staff_client.get(url)
        words = english_in(response.content.decode()) + outline_faults(response.content.decode())
        if response.status_code != 200:
            words.append(f"status {response.status_code}")
        if words:
            found[url] = words
    assert len(pages) > 60
    assert not found, "English on the back office:\n" + "\n".join(
        f"{url}\n  " + "\n  ".join(words) for url, words in found.items()
    )


def test_the_login_page_is_in_french(client, db):
    response = client.get("/backoffice/login/")
    assert english_in(response.content.decode()) == []


def test_the_word_check_finds_english():
    assert english_in("<h1>Site administration</h1><a title='View site'>x</a>") == [
        "'Site administration' in 'Site administration'",
        "'View site' in 'View site'",
    ]


def test_the_checks_find_an_unelided_de_and_a_skipped_heading_level():
    assert english_in("<h1>Ajout de offre</h1>") == ["'de offre' in 'Ajout de offre'"]
    assert english_in("<p>Demande de user4@example.com</p>") == []
    assert english_in("<a>Ajouter structure</a>") == ["'Ajouter structure' in 'Ajouter structure'"]
    assert english_in("<a>Ajouter une structure</a>") == []
    assert english_in("<p>Aucun(e) disponible</p>") == ["'Aucun(e)' in 'Aucun(e) disponible'"]
    assert outline_faults("<h1>A</h1><h3>B</h3>") == ["h1 → h3 'B'"]
    assert outline_faults("<h1>A</h1><h2>B</h2><table><caption>B</caption></table>") == [
        "caption repeats the heading 'B'"
    ]
