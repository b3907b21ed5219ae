"""The machinery of the form fuzz test (tests/interfaces/test_form_fuzz.py): find every page of the pro
portal, the app and the back office in the URLconf, read the forms of their HTML, and the hostile values
to send to each field.

Nothing here is listed by hand but the URL keyword values (filled from the objects of a small world) and
the hostile values: a route added to the URLconf is fuzzed without touching this module.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

# --- Routes ------------------------------------------------------------------------------------------

# Not pages of the three audiences: the JSON APIs (fuzzed from their OpenAPI documents), media files and
# the admin's catch-all and "view on site" redirects.
# The public API for cinema software is under public/ (its docs page, public/docs, has no form).
SKIPPED_PREFIXES = ("api/", "public/offers/", "public/bookings/", "^media/", "media/", "static/")
SKIPPED_NAMES = {"view_on_site"}


@dataclass(frozen=True)
class Route:
    pattern: str  # "pro/offres/<int:offer_id>/"
    namespace: str  # "pro", "app", "backoffice", "admin"
    name: str
    kwargs: tuple[str, ...]

    @property
    def audience(self) -> str:
        if self.namespace in ("admin", "backoffice"):
            return "staff"
        return "pro" if self.namespace == "pro" else "beneficiary"


_KWARG = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>")


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern.name or ""


def discover_routes() -> list[Route]:
    routes = []
    for pattern, namespace, name in _walk(get_resolver().url_patterns):
        if pattern.startswith(SKIPPED_PREFIXES) or name in SKIPPED_NAMES or pattern.endswith("(?P<url>.*)$"):
            continue
        kwargs = tuple(a or b for a, b in _KWARG.findall(pattern))
        routes.append(Route(pattern, namespace, name, kwargs))
    return routes


def route_path(route: Route, values: dict) -> str | None:
    """The path of a route with its keyword arguments filled from `values` (None when one is unknown)."""
    path = route.pattern
    for kwarg in route.kwargs:
        if kwarg not in values:
            return None
        path = re.sub(rf"<(?:\w+:)?{kwarg}>|\(\?P<{kwarg}>[^)]*\)", str(values[kwarg]), path)
    path = path.replace("\\", "").replace("^", "").replace("$", "")
    return "/" + path


_ADMIN_MODEL_PATH = re.compile(r"^[\w-]+/(\w+)/(\w+)/")


def admin_model(route: Route):
    """The model of an admin route (`<site>/<app_label>/<model_name>/...`), if any."""
    match = _ADMIN_MODEL_PATH.match(route.pattern)
    if route.namespace != "admin" or match is None:
        return None
    try:
        return apps.get_model(*match.groups())
    except LookupError:
        return None


# --- Forms in HTML -----------------------------------------------------------------------------------

TEXT_KINDS = {"text", "search", "email", "tel", "url", "password", "hidden", "textarea", ""}
CHOICE_KINDS = {"select", "select-multiple", "radio", "checkbox"}


@dataclass
class HtmlField:
    name: str
    kind: str
    value: str = ""
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)


@dataclass
class HtmlForm:
    page: str
    action: str
    method: str
    multipart: bool
    fields: dict[str, HtmlField] = field(default_factory=dict)
    # The first submit button with a name, as a browser sends it when it is clicked.
    submit: tuple[str, str] | None = None

    @property
    def family(self) -> str:
        """Forms of one view on several objects (an offer and a card, an admin add and change page):
        their fields are fuzzed one by one once, and all at once on each form."""
        path = re.sub(r"/\d+(?=/)", "/#", urlsplit(self.action).path)
        return re.sub(r"/(add|#/change)/$", "/*/", path)

    @property
    def key(self) -> tuple:
        """The same form on several pages (the login form, with each page's `?next=`) counts once."""
        return (self.method, urlsplit(self.action).path, tuple(sorted(self.fields)))

    def baseline(self) -> dict[str, list[str]]:
        """What a browser sends untouched: values, selected options, checked boxes, the first button."""
        data: dict[str, list[str]] = {}
        for name, item in self.fields.items():
            if item.kind == "file":
                continue
            if item.kind in CHOICE_KINDS:
                chosen = item.selected or (item.options[:1] if item.kind in ("select", "radio") else [])
                if chosen:
                    data[name] = list(chosen)
            else:
                data[name] = [item.value]
        if self.submit is not None:
            data.setdefault(self.submit[0], [self.submit[1]])
        return data


class FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.forms: list[HtmlForm] = []
        self._form: HtmlForm | None = None
        self._select: HtmlField | None = None
        self._option: dict | None = None
        self._textarea: HtmlField | None = None

    def _field(self, name: str, kind: str) -> HtmlField:
        assert self._form is not None
        return self._form.fields.setdefault(name, HtmlField(name, kind))

    def handle_starttag(self, tag, attrs):
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = urljoin(self.page, attr.get("action") or self.page)
            self._form = HtmlForm(
                page=self.page,
                action=urlsplit(action).path
                + (f"?{urlsplit(action).query}" if urlsplit(action).query else ""),
                method=(attr.get("method") or "get").lower(),
                multipart="multipart" in attr.get("enctype", ""),
            )
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        name = attr.get("name", "")
        if tag == "input" and name:
            kind = attr.get("type", "text").lower()
            if kind in ("submit", "image", "button", "reset"):
                if kind == "submit" and self._form.submit is None:
                    self._form.submit = (name, attr.get("value", ""))
                return
            item = self._field(name, kind)
            if kind in ("radio", "checkbox"):
                item.options.append(attr.get("value", "on"))
                if "checked" in attr:
                    item.selected.append(attr.get("value", "on"))
            else:
                item.value = attr.get("value", "")
        elif tag == "button" and name and attr.get("type", "submit") == "submit":
            if self._form.submit is None:
                self._form.submit = (name, attr.get("value", ""))
        elif tag == "select" and name:
            self._select = self._field(name, "select-multiple" if "multiple" in attr else "select")
        elif tag == "option" and self._select is not None:
            self._option = {"value": attr.get("value"), "text": "", "selected": "selected" in attr}
        elif tag == "textarea" and name:
            self._textarea = self._field(name, "textarea")

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "option" and self._option is not None and self._select is not None:
            value = (
                self._option["value"] if self._option["value"] is not None else self._option["text"].strip()
            )
            self._select.options.append(value)
            if self._option["selected"]:
                self._select.selected.append(value)
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(page: str, html: str) -> list[HtmlForm]:
    parser = FormParser(page)
    parser.feed(html)
    return parser.forms


# --- Hostile values ----------------------------------------------------------------------------------

NUL = "a\x00b"
LONG = "x" * 100_000
TEXT = [
    "\x00",
    NUL,
    "\x01\x07\x1b[2J\x7f\x85\x9b",
    "\u202egnp.exe\u202c \u2066isolé\u2069",
    LONG,
    "🎬😀👩‍👩‍👧 Amélie" * 20,
    "-1",
    "1000000000000",
    "0001-01-01",
    "9999-12-31 23:59",
]
NUMBERS = ["1000000000000", "-1", "2147483648", "9" * 400, "1e309", "NaN", "abc", "\x00"]
DATES = ["0001-01-01", "9999-12-31", "10000-01-01", "31/12/9999", "2026-02-30", "abc", "\x00"]
TIMES = ["24:00", "99:99", "-1", "9999-12-31", "\x00"]
DATETIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "9999-12-31 23:59:59", "abc", "\x00"]
CHOICES = ["\x00", "-1", "1000000000000", LONG, "🎬"]
# Hidden fields hold ids, counts and tokens that pages wrote themselves.
HIDDEN = ["\x00", LONG, "-1", "1000000000000", "9" * 400]
# Every field at once, with each of these.
ALL_AT_ONCE = ["\x00", LONG, "1000000000000", "-1", "9999-12-31"]


def _looks_like(item: HtmlField, *words: str) -> bool:
    return any(word in item.name.lower() for word in words)


def hostile_values(item: HtmlField) -> list:
    """The values sent to one field, one request each; a list value is the field repeated (wrong type)."""
    kind = item.kind
    if kind == "number":
        values = NUMBERS
    elif kind == "date" or (kind == "text" and _looks_like(item, "date", "_from", "_to", "until")):
        values = DATES
    elif kind == "time" or _looks_like(item, "time", "heure"):
        values = TIMES
    elif kind == "datetime-local" or _looks_like(item, "valid_", "moment"):
        values = DATETIMES
    elif kind in CHOICE_KINDS:
        values = CHOICES
    elif kind == "hidden":
        values = HIDDEN
    else:
        values = TEXT
    return [*values, ["\x00", "1000000000000"]]


def fuzzable(item: HtmlField) -> bool:
    return item.name != "csrfmiddlewaretoken"


def today_plus(days: int) -> dt.date:
    return dt.date.today() + dt.timedelta(days=days)
