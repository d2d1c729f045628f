"""Opening hours: when the clinic books appointments, in local wall-clock time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from typing import Annotated

from pydantic import PlainSerializer, WithJsonSchema

from microneedling.errors import InvalidInput

#: A wall-clock time in the clinic's zone as the API sends it, "HH:MM" (JSON Schema's ``time``
#: format requires a UTC offset, which opening and working hours do not have).
ClockTime = Annotated[
    time,
    PlainSerializer(lambda t: t.strftime("%H:%M"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$"}),
]

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY = f"(?:{'|'.join(DAYS)})"
_CLOCK = "(?:[01][0-9]|2[0-3]):[0-5][0-9]"
_HOURS_PART = f"{_DAY}(?:-{_DAY})? +{_CLOCK}-{_CLOCK}"
#: The shape :meth:`OpeningHours.parse` reads, as the published JSON Schema states it: parts
#: ``day[-day] HH:MM-HH:MM`` in lower case, separated by ``;``, at least one (the server also
#: reads upper case and other whitespace; that a day closes after it opens is the server's).
HOURS_PATTERN = f"^(?: *;)* *{_HOURS_PART} *(?:; *(?:{_HOURS_PART} *)?)*$"
_PART = re.compile(
    r"^(?P<days>[a-z]{3}(?:-[a-z]{3})?)\s+(?P<open>\d{2}:\d{2})-(?P<close>\d{2}:\d{2})$"
)


@dataclass(frozen=True)
class OpeningHours:
    """Open and close times per weekday (0 = Monday); a day absent is closed."""

    days: dict[int, tuple[time, time]]

    @classmethod
    def parse(cls, text: str) -> OpeningHours:
        """Read ``"mon-fri 09:00-18:00; sat 09:00-13:00"``."""
        days: dict[int, tuple[time, time]] = {}
        for raw in text.split(";"):
            part = raw.strip().lower()
            if not part:
                continue
            match = _PART.match(part)
            if not match:
                raise InvalidInput("opening_hours", f"cannot read '{raw.strip()}'")
            first, _, last = match["days"].partition("-")
            if first not in DAYS or (last and last not in DAYS):
                raise InvalidInput("opening_hours", f"unknown day in '{raw.strip()}'")
            start, end = DAYS.index(first), DAYS.index(last or first)
            try:
                opens = time.fromisoformat(match["open"])
                closes = time.fromisoformat(match["close"])
            except ValueError:
                raise InvalidInput("opening_hours", f"bad time in '{raw.strip()}'") from None
            if closes <= opens:
                raise InvalidInput("opening_hours", f"closes before it opens in '{raw.strip()}'")
            for day in range(start, end + 1):
                days[day] = (opens, closes)
        if not days:
            raise InvalidInput("opening_hours", "the clinic is never open")
        return cls(days)

    def covers(self, starts_at: datetime, ends_at: datetime) -> bool:
        """True when the whole slot lies within one day's opening hours."""
        if starts_at.date() != ends_at.date():
            return False
        hours = self.days.get(starts_at.weekday())
        if hours is None:
            return False
        opens, closes = hours
        return opens <= starts_at.time() and ends_at.time() <= closes

    def describe(self) -> str:
        return "; ".join(
            f"{DAYS[d]} {o.strftime('%H:%M')}-{c.strftime('%H:%M')}"
            for d, (o, c) in sorted(self.days.items())
        )
