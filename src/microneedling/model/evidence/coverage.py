"""Does the virtual cohort's 5-95 % band cover what trials report?

For every compared row whose quantity the cohort gives bands for, the row's course is run for
a virtual cohort and the reported figure is compared with the cohort's 5-95 % band on the day
of measurement. A trial's mean should usually fall inside the band of individual patients;
where the paper gives the between-patient sd, the trial's own 5-95 % spread
(mean ± 1.645 sd) is shown beside the cohort's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from microneedling.model.cohort import CohortResult, simulate_cohort
from microneedling.model.evidence.scenarios import course_for, measurement_day
from microneedling.model.evidence.schema import Evidence

#: Virtual patients per row: enough for a stable 5-95 % band (the band's ends move by about
#: 2 % of its width between seeds at this size).
COHORT = 2000
_Z90 = 1.6449


def _grade_span(row: Evidence, cohort: CohortResult) -> float:
    from microneedling.knowledge import load_knowledge
    from microneedling.model.laws.outcome import baseline_grade

    concern = load_knowledge().concerns[cohort.course.patient.concern]
    start = (
        baseline_grade(concern, cohort.course.patient.severity)
        if row.baseline is None
        else row.baseline
    )
    return start - concern.scale.best


BandOf = Callable[[CohortResult, int, Evidence], tuple[float, float]]


def _daily(name: str, scale: float = 1.0, shift: float = 0.0) -> BandOf:
    def read(c: CohortResult, day: int, row: Evidence) -> tuple[float, float]:
        b = c.daily[name]
        return scale * float(b.p5[day]) + shift, scale * float(b.p95[day]) + shift

    return read


def _grades(c: CohortResult, day: int, row: Evidence) -> tuple[float, float]:
    span = _grade_span(row, c)
    b = c.daily["improvement_fraction"]
    return span * float(b.p5[day]), span * float(b.p95[day])


def _downtime(c: CohortResult, day: int, row: Evidence) -> tuple[float, float]:
    b = c.sessions["downtime_days"]
    return float(np.mean(b.p5)), float(np.mean(b.p95))


BANDS: dict[str, BandOf] = {
    "wrinkle_grade_change": _grades,
    "laxity_grade_change": _grades,
    "texture_grade_change": _grades,
    "scar_grade_change": _grades,
    "improvement_pct": _daily("improvement_fraction", 100.0),
    "scar_score_change_pct": _daily("improvement_fraction", 100.0),
    "epidermal_thickness_change_pct": _daily("epidermis_change_pct"),
    "collagen_change_pct": _daily("collagen_pct", shift=-100.0),
    "adverse_event_days": _downtime,
    "erythema_days": _downtime,
}


@dataclass(frozen=True)
class Coverage:
    """One row: the figure, the cohort's 5-95 % band, and the trial's own spread if given."""

    row: Evidence
    low: float
    high: float
    trial_spread: tuple[float, float] | None

    @property
    def covered(self) -> bool:
        return self.low <= self.row.figure <= self.high


def coverage(rows: list[Evidence], n: int = COHORT) -> list[Coverage]:
    """The cohort band of every row with a banded quantity."""
    out = []
    for row in rows:
        read = BANDS.get(row.quantity)
        if read is None:
            continue
        course, _ = course_for(row)
        day = measurement_day(row, course)
        horizon = max(day, course.horizon)
        cohort = simulate_cohort(
            course.model_copy(update={"horizon_days": horizon}), n, hourly=False, workers=1
        )
        low, high = read(cohort, day, row)
        sd = row.uncertainty.individual_sd()
        spread = (row.figure - _Z90 * sd, row.figure + _Z90 * sd) if sd is not None else None
        out.append(Coverage(row, low, high, spread))
    return out
