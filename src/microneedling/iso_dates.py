"""Dates and moments as the API publishes them: ISO 8601 text, nothing looser.

pydantic on its own also reads a number (``0``, ``"0"``) as seconds since 1970, so a query such
as ``born_on=0`` was taken as 1970-01-01 although the published schema says ``format: date``.
These types accept a date or moment object, or text that begins the ISO way, and refuse the
rest with a message naming the shape expected; the JSON schema stays ``format: date`` /
``date-time``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _iso_date(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        return value
    raise ValueError("must be a date written YYYY-MM-DD")


def _iso_moment(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _MOMENT.match(value):
        return value
    raise ValueError("must be a date and time written YYYY-MM-DDTHH:MM (ISO 8601)")


#: The check behind :data:`IsoDate`, for a bounded day: ``Annotated[date, Field(le=DAY),
#: ISO_DATE]``. A bound put on ``IsoDate`` itself is checked outside the date's own schema and
#: names the limit as ``datetime.date(2100, 12, 31)`` instead of ``2100-12-31``.
ISO_DATE = BeforeValidator(_iso_date)
#: A calendar day, ``YYYY-MM-DD`` only.
IsoDate = Annotated[date, ISO_DATE]
#: A moment, ISO 8601 (``YYYY-MM-DDTHH:MM[:SS][offset]``); without an offset, clinic time.
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_moment)]


def _digits(low: str, high: str) -> str:
    """A regular expression for the equal-length digit strings from ``low`` to ``high``."""
    if low == high:
        return low
    if len(low) == 1:
        return f"[{low}-{high}]"
    rest = len(low) - 1
    if low[1:] == "0" * rest and high[1:] == "9" * rest:
        return f"[{low[0]}-{high[0]}][0-9]{{{rest}}}"
    if low[0] == high[0]:
        return low[0] + _digits(low[1:], high[1:])
    parts = [low[0] + _digits(low[1:], "9" * rest)]
    if int(high[0]) - int(low[0]) > 1:
        parts.append(_digits(str(int(low[0]) + 1) + "0" * rest, str(int(high[0]) - 1) + "9" * rest))
    parts.append(high[0] + _digits("0" * rest, high[1:]))
    return "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True)
class DaysWithin:
    """Annotation on a ``date``: the day must lie from ``first`` to ``last`` (both included).

    The one definition of the bound: the server checks it, and the published JSON Schema
    states it as a ``pattern`` on the year beside ``format: date`` (JSON Schema has no bounds
    for dates; a pattern on the text is what a client or a fuzzer reads). The pattern is exact
    only for whole years, so ``first`` must be a 1 January and ``last`` a 31 December.
    """

    first: date
    last: date

    def __post_init__(self) -> None:
        if (self.first.month, self.first.day, self.last.month, self.last.day) != (1, 1, 12, 31):
            raise ValueError("DaysWithin needs whole years: from a 1 January to a 31 December")

    @property
    def pattern(self) -> str:
        years = _digits(f"{self.first.year:04d}", f"{self.last.year:04d}")
        return f"^{years}-[0-9]{{2}}-[0-9]{{2}}$"

    def _check(self, value: date) -> date:
        if not self.first <= value <= self.last:
            raise ValueError(f"must be from {self.first.isoformat()} to {self.last.isoformat()}")
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        published = handler(schema)
        published["pattern"] = self.pattern
        return published
