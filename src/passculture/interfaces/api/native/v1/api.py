"""The beneficiaries' JSON API, /api/native/v1 (OpenAPI at openapi.json, docs at docs)."""

from ninja import NinjaAPI

from passculture.interfaces.api.auth import AccessToken
from passculture.interfaces.api.handlers import install_error_handlers
from passculture.interfaces.api.inputs import InputParser

from . import account, bookings, credit, favourites, films, identity, offers, push

DESCRIPTION = """API de l'application des jeunes bénéficiaires du pass Culture.

- Authentification : `POST /signin` renvoie un `accessToken` (courte durée) et un `refreshToken` ;
  envoyez `Authorization: Bearer <accessToken>` ; quand il expire (401 `TOKEN_EXPIRED`), appelez
  `POST /refresh_access_token` avec `Authorization: Bearer <refreshToken>`.
- Montants en **centimes d'euro** (entiers) ; dates en ISO 8601, UTC (fuseau du lieu fourni).
- Erreurs : `{"code": "...", "message": "..."}`, le `code` est stable, le `message` en français.
"""

api = NinjaAPI(
    title="pass Culture : API de l'application (native v1)",
    version="1",
    description=DESCRIPTION,
    urls_namespace="native_v1",
    auth=AccessToken(),
    parser=InputParser(),
)
install_error_handlers(api)
api.add_router("", account.router)
api.add_router("", offers.router)
api.add_router("", films.router)
api.add_router("", bookings.router)
api.add_router("", identity.router)
api.add_router("", credit.router)
api.add_router("", favourites.router)
api.add_router("", push.router)
