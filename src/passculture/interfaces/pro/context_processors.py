"""The pro portal's menu, built once for every pro page."""

from django.urls import reverse

# (url name, label), in menu order.
MENU = [
    ("pro:dashboard", "Accueil"),
    ("pro:venues", "Lieux"),
    ("pro:offers", "Offres"),
    ("pro:bookings", "Réservations"),
    ("pro:counter", "Guichet"),
    ("pro:bank-accounts", "Coordonnées bancaires"),
    ("pro:reimbursements", "Remboursements"),
    ("pro:members", "Membres"),
    ("pro:api-keys", "Clés d'API"),
]


def pro_menu(request):
    if not getattr(request, "pro", None):
        return {}
    home = reverse("pro:dashboard")
    items = []
    for name, label in MENU:
        url = reverse(name)
        active = request.path == url or (url != home and request.path.startswith(url))
        items.append({"url": url, "label": label, "active": active})
    return {"pro_menu": items}
