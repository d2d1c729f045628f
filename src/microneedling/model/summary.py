"""The figures a patient or clinician reads, each with its band: one place for the CLI
summary, the course page and the printed documents.

A point prediction is never shown alone: every figure carries the 5-95 % range of the virtual
cohort (:func:`~microneedling.model.cohort.simulate_cohort`) for the same course, and
:data:`NOT_A_PROMISE` says plainly what the numbers are.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from microneedling.model.cohort import CohortResult
from microneedling.model.laws.pigmentation import PIH_PER_SESSION, course_pih_chance
from microneedling.model.parameters import full_parameter_set
from microneedling.model.result import CourseResult

NOT_A_PROMISE = (
    "A model's estimate from published trials, not a promise: 90 % of virtual patients like "
    "this one fall within each range shown, and real results vary more."
)


@dataclass(frozen=True)
class Ranged:
    """A predicted figure [its unit] with the cohort's 5 % and 95 % values."""

    value: float
    low: float
    high: float

    def text(self, fmt: str = ".1f", unit: str = "") -> str:
        """``value unit (5-95 %: low-high unit)``; an unbounded figure reads "beyond the
        horizon", without the unit ("beyond the horizon days" is not English)."""

        def show(x: float) -> str:
            return f"{x:{fmt}}{unit}" if math.isfinite(x) else "beyond the horizon"

        if math.isfinite(self.low) and math.isfinite(self.high):
            band = f"{self.low:{fmt}}–{show(self.high)}"
        else:
            band = f"{show(self.low)}–{show(self.high)}"
        return f"{show(self.value)} (5–95 %: {band})"


@dataclass(frozen=True)
class CourseSummary:
    """The headline figures of a course with their bands."""

    improvement_pct: Ranged
    grade_change: Ranged
    full_effect_days_after_last: Ranged
    maintenance_days_after_last: Ranged
    redness_days: tuple[Ranged, ...]
    bleeding_pct: tuple[Ranged, ...]
    #: Papillary collagen [% of baseline] and epidermal thickness change [%] on the day of
    #: this patient's full effect, with the cohort's band on that day.
    collagen_pct: Ranged
    epidermis_change_pct: Ranged
    #: Chance of post-inflammatory hyperpigmentation over the course [%], its range the
    #: source trial's 95 % limits; None where no source gives a figure for the skin type.
    pih_pct: Ranged | None = None

    def maintenance_text(self) -> str:
        """When maintenance is due, in words: the one phrasing of the CLI, the course page and
        the consent (with collagen's slow turnover most courses show no fade within the
        horizon, and that is said, not printed as an infinite number of days)."""
        r = self.maintenance_days_after_last
        if not math.isfinite(r.low):
            return (
                "not due within the simulated horizon (for over 95 % of virtual patients like "
                "this one the model shows no fade to the maintenance point)"
            )
        return f"due {r.text('.0f', ' days')} after the last session"

    def pih_text(self) -> str:
        """What to tell about pigmentation, in words."""
        if self.pih_pct is None:
            return (
                "Pigmentation: no trial figure for this skin type was read; the chance of "
                "darker patches is not estimated."
            )
        r = self.pih_pct
        return (
            f"Darker patches (post-inflammatory hyperpigmentation) after this course: "
            f"{r.value:.0f} % (95 % limits of the trial: {r.low:.0f}–{r.high:.0f} %), from a "
            f"trial in Fitzpatrick IV–V skin (PMID 25196684)."
        )


def _days_after_last(result: CourseResult, when: object) -> float:
    if when is None:
        return math.inf
    return float((when - result.course.start).days - result.course.last_session_day)  # type: ignore[operator]


def _pih(result: CourseResult) -> Ranged | None:
    if result.pih_chance is None:
        return None
    spread = full_parameter_set()[PIH_PER_SESSION].spread
    n, t = len(result.sessions), result.course.patient.fitzpatrick_type
    ends = [course_pih_chance(float(x or 0.0), n, t) or 0.0 for x in (spread.low, spread.high)]
    return Ranged(100 * result.pih_chance, 100 * ends[0], 100 * ends[1])


def summarise(result: CourseResult, cohort: CohortResult) -> CourseSummary:
    """The patient's figures beside the cohort's 5-95 % bands for the same course."""
    m, ms, s = result.milestones, cohort.milestones, cohort.sessions
    span = result.scale.baseline_grade - result.scale.best
    peak = ms["peak_improvement_fraction"]
    day = int(result.daily["improvement_fraction"].argmax())

    def on_day(name: str) -> Ranged:
        bands = cohort.daily[name]
        return Ranged(float(result.daily[name][day]), float(bands.p5[day]), float(bands.p95[day]))

    return CourseSummary(
        improvement_pct=Ranged(
            100 * m.peak_improvement_fraction, 100 * float(peak.p5), 100 * float(peak.p95)
        ),
        grade_change=Ranged(
            m.peak_improvement_fraction * span, float(peak.p5) * span, float(peak.p95) * span
        ),
        full_effect_days_after_last=Ranged(
            _days_after_last(result, m.full_effect_on),
            float(ms["full_effect_days_after_last"].p5),
            float(ms["full_effect_days_after_last"].p95),
        ),
        maintenance_days_after_last=Ranged(
            _days_after_last(result, m.maintenance_due_on),
            float(ms["maintenance_days_after_last"].p5),
            float(ms["maintenance_days_after_last"].p95),
        ),
        redness_days=tuple(
            Ranged(
                x.downtime_days, float(s["downtime_days"].p5[i]), float(s["downtime_days"].p95[i])
            )
            for i, x in enumerate(result.sessions)
        ),
        bleeding_pct=tuple(
            Ranged(
                100 * x.bleeding_probability,
                100 * float(s["bleeding_probability"].p5[i]),
                100 * float(s["bleeding_probability"].p95[i]),
            )
            for i, x in enumerate(result.sessions)
        ),
        collagen_pct=on_day("collagen_pct"),
        epidermis_change_pct=on_day("epidermis_change_pct"),
        pih_pct=_pih(result),
    )
