"""What every form field of every page refuses, decided once: the pro portal, the app, the back office and
Django's own forms (the admin's model forms, its login and password forms) alike.

- Text (CharField and its subclasses: email, URL, slug, JSON...) refuses the characters that
  core.common.text refuses: NUL (PostgreSQL cannot store it), the other control characters, lone
  surrogates and the bidirectional overrides. A Textarea's text may also hold tabs and line breaks.
- Dates (DateField, DateTimeField, and the date half of the admin's split date and time) lie within
  core.common.time's input bounds: years 1 and 9999 overflow the arithmetic made on them.

Installed at start-up by `InterfacesConfig.ready` (apps.py), on Django's field classes themselves: a form
that forgot a base class or a mixin would be the one that lets NUL reach the database, and Django's own
forms have no such base. Django does the same for NUL alone (ProhibitNullCharactersValidator); this
extends it. Each refusal is a field error in French, next to the field.
"""

from collections.abc import Iterator

from django import forms
from django.core.exceptions import ValidationError

from passculture.core.common.exceptions import DomainError, ForbiddenCharacters
from passculture.core.common.text import has_forbidden_characters
from passculture.core.common.time import check_input_date

FORBIDDEN_CHARACTERS_MESSAGE = ForbiddenCharacters.message


def texts_in(value) -> Iterator[str]:
    """The strings of a value as forms and JSON bodies give them: a string, or nested in lists and dicts
    (a JSONField's value, a multiple choice); dict keys are text too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts_in(key)
            yield from texts_in(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from texts_in(item)


def _check_text(field: forms.Field, value) -> None:
    multiline = isinstance(field.widget, forms.Textarea)
    if any(has_forbidden_characters(text, multiline=multiline) for text in texts_in(value)):
        raise ValidationError(FORBIDDEN_CHARACTERS_MESSAGE, code="forbidden_characters")


def _check_date(field: forms.Field, value) -> None:
    try:
        check_input_date(value)
    except DomainError as error:
        raise ValidationError(error.message, code="date_out_of_bounds") from error


CHECKS = ((forms.CharField, _check_text), (forms.DateField, _check_date), (forms.DateTimeField, _check_date))


def install() -> None:
    """Adds the checks to `validate` of the field classes (once); subclasses inherit them."""
    for field_class, check in CHECKS:
        if getattr(field_class.validate, "checks_inputs", False):
            continue
        original = field_class.validate

        def validate(self, value, _original=original, _check=check):
            _original(self, value)
            if value not in self.empty_values:
                _check(self, value)

        validate.checks_inputs = True  # type: ignore[attr-defined]
        field_class.validate = validate  # type: ignore[method-assign]
