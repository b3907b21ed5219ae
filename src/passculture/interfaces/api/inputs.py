"""What every JSON API refuses in what it is sent, decided once (the pages' forms: interfaces/inputs.py).

- `InputSchema`, the base of every request body: its text refuses the characters core.common.text refuses
  (NUL, control characters, lone surrogates such as a JSON "\\ud800", bidirectional overrides) and its
  dates lie within core.common.time's input bounds.
- `InputParser`, the parser of every API: the same for the query string and form fields an operation reads.
Both answer 422 with the field (`errors[].loc`) and a stable `errors[].type`: `forbidden_characters` or
`date_out_of_bounds`.
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import Path, Schema
from ninja.errors import ValidationError
from ninja.parser import Parser
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from passculture.core.common.exceptions import DomainError, ForbiddenCharacters
from passculture.core.common.text import has_forbidden_characters
from passculture.core.common.time import check_input_date
from passculture.interfaces.inputs import texts_in

FORBIDDEN_CHARACTERS = "forbidden_characters"
DATE_OUT_OF_BOUNDS = "date_out_of_bounds"
# The largest integers the APIs accept, those of the columns they end in (checked by core beyond that):
# primary keys are 64-bit (BigAutoField), small counts a PostgreSQL smallint.
MAX_ID = 2**63 - 1
MAX_SMALL_INT = 2**15 - 1
# An id in a path: `def get_offer(request, offer_id: Id)`.
Id = Annotated[int, Path(le=MAX_ID, description="Identifiant (entier positif).")]


def _dates_in(value) -> list[dt.date]:
    if isinstance(value, dt.date):
        return [value]
    if isinstance(value, list | tuple):
        return [day for item in value for day in _dates_in(item)]
    return []


class InputSchema(Schema):
    """Base of every request body of the JSON APIs."""

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_forbidden_input(cls, value: Any) -> Any:
        if any(has_forbidden_characters(text) for text in texts_in(value)):
            raise PydanticCustomError(FORBIDDEN_CHARACTERS, ForbiddenCharacters.message)
        for day in _dates_in(value):
            try:
                check_input_date(day)
            except DomainError as error:
                raise PydanticCustomError(DATE_OUT_OF_BOUNDS, error.message) from error
        return value


class InputParser(Parser):
    """The text of the query string (and of form fields) is checked before the operation reads it."""

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict:
        source = "query" if data is request.GET else "form"
        errors = [
            {"loc": (source, key), "type": FORBIDDEN_CHARACTERS, "msg": ForbiddenCharacters.message}
            for key, values in data.lists()
            if any(has_forbidden_characters(text) for text in texts_in([key, *values]))
        ]
        if errors:
            raise ValidationError(errors)
        return super().parse_querydict(data, list_fields, request)
