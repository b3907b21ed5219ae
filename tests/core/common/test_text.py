"""Which characters text inputs refuse (core/common/text.py), everywhere they are typed or sent."""

import pytest

from passculture.core.common.exceptions import ForbiddenCharacters
from passculture.core.common.text import (
    check_text,
    has_forbidden_characters,
    of_name,
    strip_forbidden_characters,
)

REFUSED = [
    "\x00",  # NUL: PostgreSQL cannot store it
    "a\x00b",
    "\x07",
    "\x1b[2J",
    "\x7f",
    "\x85",  # C1 "next line"
    "\x9b",
    "\ud800",  # a lone surrogate, as a JSON "\\ud800" decodes
    "\u202egpj.exe",  # right-to-left override
    "\u202a",
    "\u2066x\u2069",  # isolates
]
ACCEPTED = ["Amélie", "L'Étrange Noël de M. Jack", "Kinō 🎬", "שלום", "مرحبا", "a\u200fb", "", " x "]


@pytest.mark.parametrize("value", REFUSED)
def test_control_surrogate_and_bidi_override_characters_are_refused(value):
    with pytest.raises(ForbiddenCharacters) as refusal:
        check_text(value, multiline=True)
    assert refusal.value.code == "FORBIDDEN_CHARACTERS"
    assert refusal.value.message == "Ce champ contient des caractères non autorisés."


@pytest.mark.parametrize("value", ACCEPTED)
def test_letters_of_any_script_emoji_and_directional_marks_are_accepted(value):
    assert check_text(value) == value


@pytest.mark.parametrize("value", ["a\nb", "a\r\nb", "a\tb"])
def test_line_breaks_and_tabs_only_in_multi_line_text(value):
    assert check_text(value, multiline=True) == value
    assert has_forbidden_characters(value)


def test_imported_text_loses_its_refused_characters_and_keeps_its_lines():
    assert strip_forbidden_characters("Un\x00 film\u202e\nsur deux lignes\x07") == "Un film\nsur deux lignes"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Le Carré Nantais", "du Carré Nantais"),
        ("La Cité du cinéma", "de la Cité du cinéma"),
        ("Les Écrans de la Plage", "des Écrans de la Plage"),
        ("L'Arlequin", "de l'Arlequin"),
        ("L’Alhambra", "de l’Alhambra"),
        ("Utopia", "d'Utopia"),
        ("Écran Total", "d'Écran Total"),
        ("Ciné Lumière", "de Ciné Lumière"),
        ("Lux", "de Lux"),
        ("Le", "de Le"),
    ],
)
def test_de_before_a_name_merges_with_its_article(name, expected):
    assert of_name(name) == expected
