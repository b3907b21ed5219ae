"""System checks about the deployment, run by `passculture check` and before every management command.

Registered from an AppConfig.ready (the back office's: the operators' side of the project).
"""

from django.conf import settings
from django.core.checks import Tags, register
from django.core.checks import Warning as CheckWarning

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.security)
def check_rate_limit_cache_is_shared(app_configs=None, **kwargs) -> list[CheckWarning]:
    """Rate limits count in the cache: a per-process cache lets each worker grant the full quota."""
    if settings.DEBUG:
        return []
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        CheckWarning(
            "Rate limits (sign-in, password reset, countermark lookups...) are counted per process: "
            "with several workers or machines, each one grants the whole quota.",
            hint="Set CACHE_URL to a cache shared by every worker, e.g. redis://127.0.0.1:6379/1.",
            id="passculture.W001",
        )
    ]
