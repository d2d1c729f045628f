"""The results timeline and maintenance visits, as dates, from the aftercare milestones."""

from __future__ import annotations

import math
from datetime import date, timedelta

from microneedling.knowledge import KnowledgeBase, Milestone
from microneedling.planning.explained import Explained, Provenance
from microneedling.planning.schedule import ClinicCalendar, add_months, next_open_day
from microneedling.planning.treatment_plan import Maintenance, PlannedMilestone
from microneedling.screening.result import cite

#: Maintenance is suggested for this long after the last session [months].
MAINTENANCE_HORIZON_MONTHS = 12


def _window(kb: KnowledgeBase, milestone: Milestone, number: int, anchor: date) -> PlannedMilestone:
    # Whole days, widened outwards, so a fractional day never narrows the window.
    earliest = anchor + timedelta(days=math.floor(milestone.days.low))
    latest = anchor + timedelta(days=math.ceil(milestone.days.high))
    return PlannedMilestone(
        kind=milestone.kind,
        text=milestone.text,
        session_number=number,
        earliest=earliest,
        latest=latest,
        provenance=Provenance(
            rule=f"milestone_{milestone.anchor}",
            reason=f"{milestone.name}: {milestone.days.low:g}-{milestone.days.high:g} days after "
            f"session {number}",
            sources=cite(kb, milestone.sources),
        ),
    )


def milestones(kb: KnowledgeBase, session_dates: list[date]) -> list[PlannedMilestone]:
    """Every milestone of the aftercare guide placed on the calendar, in date order."""
    planned: list[PlannedMilestone] = []
    last = len(session_dates)
    for milestone in kb.aftercare.milestones:
        if milestone.anchor == "each_session":
            anchors = list(enumerate(session_dates, start=1))
        elif milestone.anchor == "first_session":
            anchors = [(1, session_dates[0])]
        else:
            anchors = [(last, session_dates[-1])]
        planned += [_window(kb, milestone, number, day) for number, day in anchors]
    return sorted(planned, key=lambda m: (m.earliest, m.latest))


def maintenance(
    interval: Explained[int], last_session: date, calendar: ClinicCalendar
) -> Maintenance:
    """Maintenance visits every ``interval`` months within a year of the last session."""
    dates: list[date] = []
    months = interval.value
    while months <= MAINTENANCE_HORIZON_MONTHS:
        dates.append(next_open_day(add_months(last_session, months), calendar).date)
        months += interval.value
    return Maintenance(interval_months=interval, dates=dates)
