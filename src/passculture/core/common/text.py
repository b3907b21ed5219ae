"""Text that people type or programs send: which characters are refused, decided once for every input.

Refused everywhere: the C0 control characters (NUL included: PostgreSQL cannot store it in a text column),
DEL and the C1 controls, UTF-16 surrogates (a JSON `"\\ud800"` decodes to one, and no database can encode
it), and the bidirectional embedding, override and isolate controls (U+202A to U+202E, U+2066 to
U+2069): they reorder what follows them on the screen, which lets a name or a label pass for another
("spoofing"), and French text never needs them (Arabic or Hebrew words display correctly without them;
the left-to-right and right-to-left marks U+200E and U+200F stay allowed). Multi-line text (a
description, a message) may also hold tabs and line breaks.
"""

import re
import unicodedata
from functools import lru_cache

from .exceptions import ForbiddenCharacters

LINE_CONTROLS = "\t\n\r"
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_FORBIDDEN = "\x00-\x1f\x7f-\x9f\ud800-\udfff" + BIDI_CONTROLS
_SINGLE_LINE = re.compile(f"[{_FORBIDDEN}]")
_MULTI_LINE = re.compile(f"(?![{LINE_CONTROLS}])[{_FORBIDDEN}]")


def _pattern(multiline: bool) -> re.Pattern[str]:
    return _MULTI_LINE if multiline else _SINGLE_LINE


def has_forbidden_characters(value: str, *, multiline: bool = False) -> bool:
    return _pattern(multiline).search(value) is not None


def check_text(value: str, *, multiline: bool = False) -> str:
    """The text unchanged, or ForbiddenCharacters (code FORBIDDEN_CHARACTERS) when it holds a refused
    character. `multiline`: tabs and line breaks are allowed."""
    if has_forbidden_characters(value, multiline=multiline):
        raise ForbiddenCharacters()
    return value


def strip_forbidden_characters(value: str, *, multiline: bool = True) -> str:
    """The text without its refused characters: for data a program imports (a film's synopsis), where one
    stray control character must not cost the whole record."""
    return _pattern(multiline).sub("", value)


@lru_cache(maxsize=65_536)
def fold(text: str) -> str:
    """Lower case, no accents, ligatures spelt out, punctuation as spaces: "L'Été" -> "l ete".
    Cached: the same titles come back in every search (one film, many cinemas)."""
    text = text.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return re.sub(r"[\W_]+", " ", text).strip()


_ARTICLES = (("les ", "des "), ("le ", "du "), ("la ", "de la "), ("l'", "de l'"), ("l’", "de l’"))
_VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"


def of_name(name: str) -> str:
    """ "de" before a name, as French writes it: "du Carré Nantais", "de la Cité", "des Écrans",
    "de l'Arlequin", "d'Utopia", "de Ciné Lumière". An article that starts the name merges with "de"."""
    name = (name or "").strip()
    lowered = name.casefold()
    for article, contracted in _ARTICLES:
        if lowered.startswith(article) and len(name) > len(article):
            return contracted + name[len(article) :]
    if lowered[:1] and lowered[0] in _VOWELS:
        return "d'" + name
    return "de " + name
