"""The public API for cinema software, on the real pass Culture public API's paths and field names:
/public/offers/v1 (event offers, price categories, showtimes, a cinema's whole programme) and
/public/bookings/v1 (bookings and countermarks). Authenticated by a ticketing provider's key.

OpenAPI at /public/offers/v1/openapi.json and /public/bookings/v1/openapi.json, Swagger UI at .../swagger,
the French guide with curl examples at /public/docs. Decision 28.
"""

from ninja import NinjaAPI

from passculture.interfaces.api.handlers import install_error_handlers
from passculture.interfaces.api.inputs import InputParser

from . import bookings, offers
from .auth import ProviderKeyAuth, no_credentials

DESCRIPTION = """API publique pour les logiciels de billetterie des cinémas.

- Authentification : `Authorization: Bearer <clé d'API>`, la clé de votre logiciel fournie par
  pass Culture. Elle n'atteint que les lieux reliés à votre logiciel (lien actif) : tout le reste
  répond 404, comme ce qui n'existe pas.
- Prix en centimes d'euro (entiers), dates ISO 8601 avec décalage horaire.
- Erreurs : `{"code": "...", "message": "..."}` ; le `code` est stable, le `message` en français.
- Après 10 échecs d'authentification en une minute depuis une adresse : 429 et `Retry-After`.
- Guide et exemples : `/public/docs`.
"""


def _api(title: str, namespace: str, router) -> NinjaAPI:
    api = NinjaAPI(
        title=title,
        version="1",
        description=DESCRIPTION,
        urls_namespace=namespace,
        auth=[ProviderKeyAuth(), no_credentials],
        docs_url="/swagger",
        parser=InputParser(),
    )
    install_error_handlers(api)
    api.add_router("", router)
    return api


offers_api = _api("pass Culture : API publique des offres (v1)", "public_offers_v1", offers.router)
bookings_api = _api(
    "pass Culture : API publique des réservations (v1)", "public_bookings_v1", bookings.router
)
