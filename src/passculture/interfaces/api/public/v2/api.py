"""The ticketing API, /api/v2 ("contremarque"): the routes of the real pass Culture v2 contract, so that
cinema ticketing software written for it works here by changing the base URL.

OpenAPI at /api/v2/openapi.json, Swagger UI at /api/v2/swagger, the French guide with curl examples at
/api/v2/docs.
"""

from ninja import NinjaAPI

from passculture.interfaces.api.handlers import install_error_handlers
from passculture.interfaces.api.inputs import InputParser

from . import bookings
from .auth import ApiKeyAuth, ProBasicAuth, no_credentials

DESCRIPTION = """API des contremarques pour les logiciels de billetterie des cinémas.

- Authentification : `Authorization: Bearer <clé d'API>` (clé créée dans l'espace pass Culture Pro,
  page « Clés d'API »), ou l'email et le mot de passe d'un compte pro en HTTP Basic.
- Contremarques insensibles à la casse ; la charge utile du QR code (`PASSCULTURE:v3;TOKEN:...`) est
  acceptée aussi.
- Erreurs : `{"code": "...", "message": "..."}` ; le `code` est stable, le `message` en français.
- Après 10 échecs d'authentification en une minute depuis une adresse : 429 et `Retry-After`.
- Guide et exemples : `/api/v2/docs`.
"""

api = NinjaAPI(
    title="pass Culture : API contremarque (v2)",
    version="2",
    description=DESCRIPTION,
    urls_namespace="public_v2",
    auth=[ApiKeyAuth(), ProBasicAuth(), no_credentials],
    docs_url="/swagger",
    parser=InputParser(),
)
install_error_handlers(api)
api.add_router("", bookings.router)
