"""Tolerance bands of the checks, derived from each paper's own uncertainty.

A check passes when the model's value lies within ``figure ± h``, where

    h = sqrt((1.96 * SE)**2 + m**2),

``SE`` the standard error of the reported figure (:meth:`Evidence.standard_error`: from its CI,
SE, or SD and n) and ``m`` the stated model error of that kind of quantity
(:data:`MODEL_ERROR`). A figure the paper states as an interval ("within 2 h", "4-5 h") gives
that interval widened by ``m`` on both sides. Nothing else may widen a band: :func:`problems`
lists every band that is open, one-sided, or wider than this derivation allows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from microneedling.model.evidence.schema import Evidence

Z95 = 1.959964


@dataclass(frozen=True)
class ModelError:
    """What the model is allowed to miss by, beyond the paper's own uncertainty: the larger of
    ``absolute`` (in the figure's unit) and ``relative`` × |figure|."""

    absolute: float
    relative: float
    why: str

    def of(self, value: float) -> float:
        return max(self.absolute, self.relative * abs(value))


#: Stated model error by quantity. Grades: a fifth of a grade, finer than any scale's step.
#: Percent changes of thickness or collagen: 10 points (histology is read on a few sections).
#: Durations: a quarter of the figure, at least half a day or half an hour. Depths: 10 %.
MODEL_ERROR: dict[str, ModelError] = {
    "grade": ModelError(0.2, 0.0, "a fifth of a grade: below any scale's step"),
    "percent": ModelError(10.0, 0.0, "10 points: histology is read on a few sections"),
    "days": ModelError(0.5, 0.25, "half a day or a quarter of the duration"),
    "hours": ModelError(0.5, 0.25, "half an hour or a quarter of the duration"),
    "depth": ModelError(0.0, 0.10, "10 % of the depth"),
    "fraction": ModelError(0.05, 0.0, "5 points of the fraction"),
}

#: The model-error kind of each quantity the model can output.
QUANTITY_KIND: dict[str, str] = {
    "wrinkle_grade_change": "grade",
    "laxity_grade_change": "grade",
    "texture_grade_change": "grade",
    "scar_grade_change": "grade",
    "epidermal_thickness_change_pct": "percent",
    "collagen_change_pct": "percent",
    "elastin_change_pct": "percent",
    "improvement_pct": "percent",
    "scar_score_change_pct": "percent",
    "pih_incidence_pct": "percent",
    "erythema_days": "days",
    "adverse_event_days": "days",
    "tewl_recovery_h": "hours",
    "barrier_reseal_h": "hours",
    "erythema_recovery_h": "hours",
    "pore_closure_h": "hours",
    "channel_depth_um": "depth",
    "channel_depth_fraction": "fraction",
}


@dataclass(frozen=True)
class Band:
    """A two-sided tolerance band [low, high] in the figure's unit."""

    low: float
    high: float

    def holds(self, value: float) -> bool:
        return self.low <= value <= self.high

    @property
    def half_width(self) -> float:
        return 0.5 * (self.high - self.low)


def model_error(row: Evidence) -> float:
    """The stated model error for ``row``'s quantity [the figure's unit]."""
    return MODEL_ERROR[QUANTITY_KIND[row.quantity]].of(row.figure)


def derived_band(row: Evidence) -> Band:
    """The widest band the paper's own uncertainty and the stated model error allow."""
    m = model_error(row)
    u = row.uncertainty
    if u.kind == "bound":
        assert u.low is not None
        assert u.high is not None
        return Band(u.low - m, u.high + m)
    se = row.standard_error()
    half = math.hypot(Z95 * se, m) if se is not None else m
    return Band(row.figure - half, row.figure + half)


def problems(row: Evidence, band: Band) -> list[str]:
    """Why ``band`` is not an acceptable check band for ``row`` (empty when it is)."""
    out: list[str] = []
    if not (math.isfinite(band.low) and math.isfinite(band.high)):
        out.append(f"{row.id}: the band [{band.low}, {band.high}] is open-ended")
        return out
    if not band.low < band.high:
        out.append(f"{row.id}: the band [{band.low}, {band.high}] is empty or one point")
    allowed = derived_band(row)
    slack = 1e-9 * max(1.0, abs(row.figure))
    if band.low < allowed.low - slack or band.high > allowed.high + slack:
        out.append(
            f"{row.id}: the band [{band.low:.4g}, {band.high:.4g}] is wider than the paper's "
            f"uncertainty and the model error allow ([{allowed.low:.4g}, {allowed.high:.4g}])"
        )
    return out
