"""Recorded scores set against the virtual cohort's band: actual against predicted.

A clinician's score on the concern's scale, on the day it was assessed, is read against the
cohort's 5 %, 50 % and 95 % expected grade on that day of the course. The grade is a straight
line of the improvement share (``baseline - share × (baseline - best)``, as
:func:`~microneedling.model.laws.outcome.expected_grade` and the course summary take it), so the
band of grades is that line applied to the band of shares; it turns over (the most improved
patients have the lowest grade on a scale where lower is better), so its ends are sorted.
Whether a score lies inside, above or below the band is a statement about the model as much as
the patient: the band is a model's estimate
(see :data:`~microneedling.model.summary.NOT_A_PROMISE`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from microneedling.model.cohort import CohortResult
from microneedling.model.result import ConcernScale

#: The cohort's daily output grades are made from: the improvement share [0-1].
SHARE = "improvement_fraction"
Where = Literal["within", "above", "below", "outside_course"]


@dataclass(frozen=True)
class ScoreAgainstBand:
    """One recorded score [grade on the concern's scale] and the cohort's band that day
    (None when the day is before the course or beyond the simulated horizon)."""

    on: dt.date
    score: float
    p5: float | None
    p50: float | None
    p95: float | None

    @property
    def where(self) -> Where:
        if self.p5 is None or self.p95 is None:
            return "outside_course"
        low, high = sorted((self.p5, self.p95))
        if self.score < low:
            return "below"
        if self.score > high:
            return "above"
        return "within"


def band_dates(cohort: CohortResult) -> list[dt.date]:
    """The calendar day of each of the cohort's simulated days."""
    start = cohort.course.start
    return [start + dt.timedelta(days=int(d)) for d in cohort.days]


@dataclass(frozen=True)
class GradeBand:
    """The cohort's expected grade [on the concern's scale] day by day: 5 %, 50 %, 95 %."""

    dates: list[dt.date]
    p5: NDArray[np.float64]
    p50: NDArray[np.float64]
    p95: NDArray[np.float64]


def grade_band(cohort: CohortResult, scale: ConcernScale) -> GradeBand:
    """The band of expected grades over the cohort (``scale`` from the same course's result)."""
    shares = cohort.daily[SHARE]
    span = scale.baseline_grade - scale.best

    def grade(share: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(scale.baseline_grade - share * span, dtype=np.float64)

    low, high = grade(shares.p5), grade(shares.p95)
    return GradeBand(
        band_dates(cohort), np.minimum(low, high), grade(shares.p50), np.maximum(low, high)
    )


def scores_against_band(
    band: GradeBand, scores: list[tuple[dt.date, float]]
) -> list[ScoreAgainstBand]:
    """Each ``(assessed on, score)`` with the cohort's expected-grade band that day, by date."""
    index = {day: i for i, day in enumerate(band.dates)}
    placed = []
    for on, score in sorted(scores):
        i = index.get(on)
        if i is None:
            placed.append(ScoreAgainstBand(on, score, None, None, None))
        else:
            placed.append(
                ScoreAgainstBand(
                    on, score, float(band.p5[i]), float(band.p50[i]), float(band.p95[i])
                )
            )
    return placed
