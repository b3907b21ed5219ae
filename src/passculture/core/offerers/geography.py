"""Department and timezone from a French postal code: moved to core.common.geography, kept here for
existing imports."""

from passculture.core.common.geography import department_code_from_postal_code, timezone_for_department

__all__ = ["department_code_from_postal_code", "timezone_for_department"]
