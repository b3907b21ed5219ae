"""Identity providers: who checks a submission. The flow around them (eligibility, one open check,
approval granting the credit, emails) never changes; only who decides does.

- A provider has a `name` (stored on each check), a `label` for staff, says whether it needs a photo
  of the document, and receives submissions through `submit(user, data, *, photo, at) -> IdentityCheck`.
  It records the check with `services.record_submission` (status SUBMITTED) and may start its own
  process there (call a vendor's API, keep the vendor's id in `provider_reference`).
- What a provider reports back is a `ProviderDecision` (approved, or rejected with a reason code), given
  to `services.record_provider_decision`, e.g. from a vendor's webhook view. It goes through the same
  `approve_identity_check` / `reject_identity_check` as staff decisions.
- `ManualReviewProvider` (the default) does nothing more: the check waits in the back-office queue.

Settings: `IDENTITY_PROVIDERS`, dotted paths of provider classes; the first is the default for new
submissions. A FranceConnect or document-check vendor is added by writing its class and listing it.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

from .constants import MANUAL_PROVIDER_NAME
from .exceptions import UnknownIdentityProvider
from .validation import IdentityData

if TYPE_CHECKING:
    from .documents import PreparedPhoto
    from .models import IdentityCheck


@runtime_checkable
class IdentityProvider(Protocol):
    name: str
    label: str
    requires_photo: bool

    def submit(
        self, user, data: IdentityData, *, photo: "PreparedPhoto | None", at: dt.datetime
    ) -> "IdentityCheck": ...


@dataclass(frozen=True)
class ProviderDecision:
    """A provider's verdict on one of its checks, found by the provider's own reference."""

    reference: str
    approved: bool
    reason_code: str = ""
    comment: str = ""
    decided_at: dt.datetime | None = None


class ManualReviewProvider:
    """Staff review each submission in the back office, with the photo of the document."""

    name = MANUAL_PROVIDER_NAME
    label = "Vérification manuelle par l'équipe pass Culture"
    requires_photo = True

    def submit(self, user, data: IdentityData, *, photo, at: dt.datetime):
        from .services import record_submission  # services use this registry: imported when called

        return record_submission(user, data, provider=self.name, photo=photo, at=at)


@cache
def _load(paths: tuple[str, ...]) -> dict[str, IdentityProvider]:
    registry: dict[str, IdentityProvider] = {}
    for path in paths:
        provider = import_string(path)()
        if not isinstance(provider, IdentityProvider):
            raise TypeError(f"{path} is not an identity provider (name, label, requires_photo, submit).")
        registry[provider.name] = provider
    return registry


def registered_providers() -> dict[str, IdentityProvider]:
    """The configured providers by name, in settings order (the first is the default)."""
    return _load(tuple(settings.IDENTITY_PROVIDERS))


def get_provider(name: str | None = None) -> IdentityProvider:
    providers = registered_providers()
    if not providers:
        raise UnknownIdentityProvider("Aucun service de vérification d'identité n'est configuré.")
    if name is None:
        return next(iter(providers.values()))
    try:
        return providers[name]
    except KeyError:
        raise UnknownIdentityProvider() from None


def provider_label(name: str) -> str:
    provider = registered_providers().get(name)
    return provider.label if provider is not None else name
