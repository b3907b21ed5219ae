"""System checks (`passculture check`, run at every start): VAPID keys that cannot sign our pushes are
refused before any push service rejects them one by one."""

from django.conf import settings
from django.core import checks

from .push_keys import VapidKeys, check_key_pair


@checks.register()
def vapid_keys_match(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    public, private = settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY
    if bool(public) != bool(private):
        errors.append(
            checks.Error(
                "Set both VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY, or neither.", id="notifications.E001"
            )
        )
    elif public:
        try:
            check_key_pair(VapidKeys(public, private))
        except ValueError as error:
            errors.append(
                checks.Error(
                    f"VAPID keys: {error}.",
                    hint="passculture generate_vapid_keys prints a matching pair.",
                    id="notifications.E002",
                )
            )
    if not str(settings.VAPID_SUBJECT).startswith(("mailto:", "https:")):
        errors.append(checks.Error("VAPID_SUBJECT must be a mailto: or https: URL.", id="notifications.E003"))
    return errors
