"""The ranges the trials in the evidence table report, for judging what a course prints.

A course's headline figures (``model/summary.py``) are read against the rows the model is
compared with (fit and check rows; rows set apart say nothing here). Each row gives its band
(:func:`~microneedling.model.evidence.bands.derived_band`: the paper's figure, its own
uncertainty and the stated model error); the range of a kind of figure is the union of the
bands of its rows, from the lowest low to the highest high. Nothing is added to a band here.

* **Improvement** [share of the possible improvement, 0-1], per concern group: a percent
  reduction of a score counts as that share; a grade change counts as its share of the way from
  the trial's starting grade (the row's ``baseline``, else the scale's default start) to the
  best grade, which is how :mod:`.scenarios` reads the model's figure for the row.
* **Redness** [days], any concern: the adverse-event and erythema durations and the
  irritation times after shallow needles (hours read as days).
* **Epidermal thickening** [%], any concern.

A concern with no compared row of its own (striae, ice-pick scars, pores) has no improvement
range: :func:`improvement_range` says so with None rather than borrowing another's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from microneedling.model.evidence.bands import derived_band
from microneedling.model.evidence.scenarios import CONCERN_OF, course_for
from microneedling.model.evidence.schema import Evidence
from microneedling.model.evidence.table import evidence_rows, roles
from microneedling.model.simulation import simulate_course

#: Knowledge-base concern -> the concern group whose trials judge it. Fine lines are graded as
#: wrinkles are (the knowledge base's own source gives no separate figure); rolling and boxcar
#: scars are the atrophic scars the acne-scar trials grade (ice-pick scars are reported apart
#: and respond less, so they are not judged by them).
GROUP_OF: dict[str, str] = {
    "fine_lines": "wrinkles",
    "wrinkles": "wrinkles",
    "laxity": "laxity",
    "texture": "texture",
    "acne_scars_rolling": "acne_scars",
    "acne_scars_boxcar": "acne_scars",
    "burn_scars": "burn_scars",
}

_IMPROVEMENT = frozenset(
    {
        "wrinkle_grade_change",
        "laxity_grade_change",
        "texture_grade_change",
        "scar_grade_change",
        "scar_score_change_pct",
    }
)
_REDNESS_DAYS = frozenset({"adverse_event_days", "erythema_days"})
_REDNESS_HOURS = frozenset({"erythema_recovery_h"})
_EPIDERMIS = frozenset({"epidermal_thickness_change_pct"})


@dataclass(frozen=True)
class TrialRange:
    """The union [low, high] of the bands of ``rows`` [the range's unit]."""

    low: float
    high: float
    rows: tuple[str, ...]

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high


def _compared() -> list[Evidence]:
    r = roles()
    return [row for row in evidence_rows() if r.of(row.id) != "apart"]


def _union(pairs: Iterable[tuple[Evidence, float, float]]) -> TrialRange | None:
    got = list(pairs)
    if not got:
        return None
    return TrialRange(
        min(low for _, low, _ in got),
        max(high for _, _, high in got),
        tuple(row.id for row, _, _ in got),
    )


def _span(row: Evidence) -> float:
    """Grades from the trial's starting grade to the best grade of the row's scale."""
    course, _ = course_for(row)
    scale = simulate_course(course).scale
    start = scale.baseline_grade if row.baseline is None else row.baseline
    return start - scale.best


def _as_share(row: Evidence) -> tuple[Evidence, float, float]:
    band = derived_band(row)
    per = 100.0 if row.quantity.endswith("_pct") else _span(row)
    return row, band.low / per, band.high / per


def _group(row: Evidence) -> str | None:
    concern = CONCERN_OF.get(row.concern or "", row.concern or "")
    return GROUP_OF.get(concern)


@cache
def improvement_range(concern: str) -> TrialRange | None:
    """Share [0-1] of the possible improvement the trials of ``concern``'s group report, or
    None when no compared row is of that group."""
    group = GROUP_OF.get(concern)
    if group is None:
        return None
    return _union(
        _as_share(row)
        for row in _compared()
        if row.quantity in _IMPROVEMENT and _group(row) == group
    )


def _in_days(row: Evidence) -> tuple[Evidence, float, float]:
    band = derived_band(row)
    per = 24.0 if row.quantity in _REDNESS_HOURS else 1.0
    return row, max(band.low, 0.0) / per, band.high / per


@cache
def redness_range() -> TrialRange | None:
    """Days [d] of visible redness the trials report after a session, any depth or site."""
    return _union(
        _in_days(row) for row in _compared() if row.quantity in _REDNESS_DAYS | _REDNESS_HOURS
    )


@cache
def epidermis_range() -> TrialRange | None:
    """Epidermal thickening [%] the histology rows report, any course."""
    return _union(
        (row, derived_band(row).low, derived_band(row).high)
        for row in _compared()
        if row.quantity in _EPIDERMIS
    )
