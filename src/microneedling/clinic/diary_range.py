"""The range of days the clinic's diary (the day and week views) shows and books.

An appointment or absence outside it could never be shown, so it is refused as invalid input
(422, naming the field) rather than stored.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from microneedling.errors import InvalidInput
from microneedling.planning import LAST_PLANNABLE_DAY

#: The first day the diary shows: before the clinic kept records in this system.
FIRST_DIARY_DAY = date(2000, 1, 1)
#: The last day the diary shows: the planner's last plannable day.
LAST_DIARY_DAY = LAST_PLANNABLE_DAY


def refuse_beyond_diary(moment: datetime, zone: ZoneInfo, field: str) -> None:
    """Refuse a moment whose clinic-local day lies outside the diary's range."""
    day = moment.astimezone(zone).date()
    if not FIRST_DIARY_DAY <= day <= LAST_DIARY_DAY:
        raise InvalidInput(
            field,
            f"{day.isoformat()} is outside the diary, which runs from "
            f"{FIRST_DIARY_DAY.isoformat()} to {LAST_DIARY_DAY.isoformat()}",
        )
