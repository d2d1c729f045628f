"""Dates and times of things that have happened may not lie after the clinic's now.

One check, one wording, for every service (birth dates, assessments, photos, numbing, adverse
events, session ends), worded like the core's :meth:`microneedling.screening.Intake.check_dates`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from microneedling.errors import InvalidInput

if TYPE_CHECKING:
    from microneedling.clinic.clinic import Clinic


def not_after_now(field: str, value: date | datetime, clinic: Clinic) -> None:
    """Raise :class:`InvalidInput` naming ``field`` if ``value`` is after the clinic's now.

    A date is compared with the clinic's today; a moment with its now (a naive moment is read
    as clinic wall-clock time, as everywhere else in the clinic).
    """
    if isinstance(value, datetime):
        now = clinic.now()
        if clinic.local(value) > now:
            local_now = clinic.local(now).replace(microsecond=0)
            raise InvalidInput(
                field,
                f"{value.isoformat()} is in the future (now {local_now.isoformat()} at the "
                "clinic); a past event must be dated on or before it",
            )
        return
    today = clinic.today()
    if value > today:
        raise InvalidInput(
            field,
            f"{value.isoformat()} is in the future (today {today.isoformat()} at the clinic); a "
            "past event must be dated on or before it",
        )
