"""Dates and moments as the API publishes them: ISO 8601 text, nothing looser.

pydantic on its own also reads a number (``0``, ``"0"``) as seconds since 1970, so a query such
as ``born_on=0`` was taken as 1970-01-01 although the published schema says ``format: date``.
These types accept a date or moment object, or text that begins the ISO way, and refuse the
rest with a message naming the shape expected; the JSON schema stays ``format: date`` /
``date-time``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator

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
