"""Department and timezone from a French postal code, overseas included."""

from .constants import DEFAULT_TIMEZONE, DEPARTMENT_TIMEZONES


def department_code_from_postal_code(postal_code: str) -> str:
    postal_code = postal_code.strip()
    if postal_code.startswith(("97", "98")):
        return postal_code[:3]
    if postal_code.startswith("20"):
        # Corsica: 200xx-201xx are Corse-du-Sud (2A), 202xx-206xx Haute-Corse (2B).
        return "2A" if postal_code[:3] in {"200", "201"} else "2B"
    return postal_code[:2]


def timezone_for_department(department_code: str) -> str:
    return DEPARTMENT_TIMEZONES.get(department_code, DEFAULT_TIMEZONE)
