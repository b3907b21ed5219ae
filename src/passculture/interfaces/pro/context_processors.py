"""The pro portal's side menu, built once for every logged-in pro page."""

import re

from django.urls import reverse

# (url name, label) in menu order; a group is (key, label, [(url name, label), ...]).
MENU: list = [
    ("pro:dashboard", "Accueil"),
    ("pro:offers", "Offres"),
    ("pro:bookings", "Réservations"),
    ("pro:counter", "Guichet"),
    ("pro:reimbursements", "Remboursements"),
    ("pro:venues", "Lieux"),
    (
        "settings",
        "Paramètres",
        [
            ("pro:bank-accounts", "Coordonnées bancaires"),
            ("pro:members", "Membres"),
            ("pro:api-keys", "Clés d'API"),
            ("pro:allocine", "AlloCiné"),
        ],
    ),
]
# Pages that belong to an item although their address is under another one: a venue's AlloCiné
# settings live under its venue (/pro/lieux/<id>/allocine/) but belong to Paramètres › AlloCiné.
ALSO = {"pro:allocine": re.compile(r"/allocine/")}


def _active_name(path: str, names: list[str]) -> str | None:
    """The one item the page belongs to: an ALSO pattern first, else the longest address it starts with
    (the home only for itself)."""
    for name, pattern in ALSO.items():
        if pattern.search(path):
            return name
    urls = {name: reverse(name) for name in names}
    home = urls["pro:dashboard"]
    matching = [name for name, url in urls.items() if path == url or (url != home and path.startswith(url))]
    return max(matching, key=lambda name: len(urls[name]), default=None)


def pro_menu(request):
    if not getattr(request, "pro", None):
        return {}
    leaves = [
        name for entry in MENU for name in ([entry[0]] if len(entry) == 2 else [n for n, _ in entry[2]])
    ]
    active = _active_name(request.path, leaves)

    def link(name: str, label: str) -> dict:
        return {"url": reverse(name), "label": label, "active": name == active}

    items = []
    for entry in MENU:
        if len(entry) == 3:
            key, label, children = entry
            links = [link(name, child_label) for name, child_label in children]
            items.append(
                {"key": key, "label": label, "children": links, "active": any(c["active"] for c in links)}
            )
        else:
            items.append(link(*entry))
    return {"pro_menu": items}
