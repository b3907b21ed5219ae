"""The pro portal's menu, built once for every pro page."""

from django.urls import NoReverseMatch, reverse

# (url name, label). Areas add their entry here when their pages exist.
MENU = [
    ("pro:dashboard", "Accueil"),
    ("pro:venues", "Lieux"),
    ("pro:offers", "Offres"),
    ("pro:bookings", "Réservations"),
    ("pro:counter", "Guichet"),
    ("pro:bank-accounts", "Coordonnées bancaires"),
    ("pro:members", "Membres"),
]


def pro_menu(request):
    if not getattr(request, "pro", None):
        return {}
    items = []
    for name, label in MENU:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # area not shipped yet
        active = request.path == url or (url != reverse("pro:dashboard") and request.path.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    return {"pro_menu": items}
