"""Department and timezone from a French postal code, overseas included.

In core.common (no model, no other app) so that users, credit and offerers all read the same table."""

# Overseas departments and collectivities have their own clocks; everything else is Paris time.
DEPARTMENT_TIMEZONES = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
    "986": "Pacific/Wallis",
    "987": "Pacific/Tahiti",
    "988": "Pacific/Noumea",
}
DEFAULT_TIMEZONE = "Europe/Paris"


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


def timezone_for_postal_code(postal_code: str | None) -> str:
    """A person's clock from the postal code of their profile; Paris time when it is unknown."""
    postal_code = (postal_code or "").strip()
    if len(postal_code) != 5 or not postal_code.isdigit():
        return DEFAULT_TIMEZONE
    return timezone_for_department(department_code_from_postal_code(postal_code))
