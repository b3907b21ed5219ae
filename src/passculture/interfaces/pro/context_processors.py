"""The pro portal's side menu, built once for every logged-in pro page."""

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


def _link(path: str, name: str, label: str) -> dict:
    url = reverse(name)
    home = reverse("pro:dashboard")
    active = path == url or (url != home and path.startswith(url))
    return {"url": url, "label": label, "active": active}


def _is_allocine_page(path: str) -> bool:
    # A venue's Allociné settings live under its venue (/pro/lieux/<id>/allocine/) but belong to Paramètres.
    return "/allocine/" in path


def pro_menu(request):
    if not getattr(request, "pro", None):
        return {}
    path = request.path
    items = []
    for entry in MENU:
        if len(entry) == 3:
            key, label, children = entry
            links = [_link(path, name, child_label) for name, child_label in children]
            if _is_allocine_page(path):
                for link in links:
                    link["active"] = link["url"] == reverse("pro:allocine")
            items.append(
                {"key": key, "label": label, "children": links, "active": any(c["active"] for c in links)}
            )
        else:
            link = _link(path, *entry)
            if _is_allocine_page(path):
                link["active"] = False
            items.append(link)
    return {"pro_menu": items}
