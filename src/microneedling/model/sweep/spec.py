"""A sweep specification: which course settings to vary, over whom, and what to read.

A sweep is a set of points (a grid, or a Latin-hypercube sample of ranges) over the settings
of a course of identical sessions; every point is simulated for ``patients_per_point`` virtual
patients drawn from the parameters' spreads and the patient mix, and read at
``read_days_after_last`` days after the last session.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator
from scipy.stats import qmc

from microneedling.model.course import Course

#: Settings a sweep may vary, and their kind: numbers are sampled, integers rounded.
NUMERIC = {"needle_length_mm": float, "passes": int, "sessions": int, "interval_days": int}
CHOICES = ("site", "concern", "device_kind")
SETTINGS = (*NUMERIC, *CHOICES)
#: What a sweep can report per patient (each at every read day unless it is per course).
OUTPUTS = {
    "improvement_pct": "share of the possible improvement on the concern's scale [%]",
    "grade_change": "improvement in grades on the concern's scale [grades]",
    "peak_improvement_pct": "highest improvement after the last session [%]",
    "downtime_days": "redness after the first session [days]",
    "epidermis_change_pct": "epidermal thickness against baseline [%]",
    "collagen_pct": "collagen against baseline [%]",
}
PER_DAY = ("improvement_pct", "grade_change", "epidermis_change_pct", "collagen_pct")
#: Course start for every point: the outputs count days from it, not calendar dates.
START = dt.date(2027, 1, 4)

Setting = Literal["needle_length_mm", "passes", "sessions", "interval_days"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Mix(_Strict):
    """Who the virtual patients are: ages drawn uniformly [years], the share of women."""

    age_years: tuple[float, float] = (25.0, 65.0)
    female_share: float = Field(default=0.5, ge=0, le=1)


class Sample(_Strict):
    """A Latin-hypercube sample of ``points`` settings within ``ranges`` (low, high)."""

    points: int = Field(ge=1, le=10_000)
    ranges: dict[Setting, tuple[float, float]] = Field(min_length=1)
    seed: int = 0

    @model_validator(mode="after")
    def _ordered(self) -> Sample:
        for name, (low, high) in self.ranges.items():
            if not low < high:
                raise ValueError(f"ranges.{name}: low must be below high")
        return self


class SweepSpec(_Strict):
    """What to vary (``grid`` or ``sample``), what stays fixed, for whom, and what to read."""

    name: str = Field(min_length=1, max_length=80)
    fixed: dict[str, Any] = Field(default_factory=dict)
    grid: dict[str, list[Any]] | None = None
    sample: Sample | None = None
    patients_per_point: int = Field(ge=100, le=100_000_000)
    read_days_after_last: list[int] = Field(default=[90], min_length=1)
    outputs: list[Literal[tuple(OUTPUTS)]] = Field(  # type: ignore[valid-type]
        default=["improvement_pct", "grade_change", "downtime_days"], min_length=1
    )
    patient_mix: Mix = Mix()
    seed: int = 0
    #: Patients one task simulates at most: bounds a worker's memory (see docs/model.md).
    max_patients_per_task: int = Field(default=50_000, ge=100, le=500_000)

    @model_validator(mode="after")
    def _check(self) -> SweepSpec:
        if (self.grid is None) == (self.sample is None):
            raise ValueError("give either grid or sample")
        for name in self.fixed:
            if name not in SETTINGS:
                raise ValueError(f"fixed.{name}: not a setting ({', '.join(SETTINGS)})")
        for name, values in (self.grid or {}).items():
            if name not in SETTINGS:
                raise ValueError(f"grid.{name}: not a setting ({', '.join(SETTINGS)})")
            if not values:
                raise ValueError(f"grid.{name}: give at least one value")
            if name in self.fixed:
                raise ValueError(f"grid.{name}: also fixed")
        if any(d < 0 or d > 3650 for d in self.read_days_after_last):
            raise ValueError("read_days_after_last: days must be within 0-3650")
        return self

    def points(self) -> list[dict[str, Any]]:
        """Every point's settings: the fixed ones plus the grid's product or the sample."""
        if self.grid is not None:
            names = list(self.grid)
            combos = itertools.product(*(self.grid[n] for n in names))
            return [{**self.fixed, **dict(zip(names, c, strict=True))} for c in combos]
        assert self.sample is not None
        setting_names: list[Setting] = list(self.sample.ranges)
        unit = qmc.LatinHypercube(d=len(setting_names), seed=self.sample.seed).random(
            self.sample.points
        )
        low = np.array([self.sample.ranges[n][0] for n in setting_names])
        high = np.array([self.sample.ranges[n][1] for n in setting_names])
        values = qmc.scale(unit, low, high)
        out = []
        for row in values:
            point = dict(self.fixed)
            for name, value in zip(setting_names, row, strict=True):
                point[name] = (
                    round(float(value)) if NUMERIC[name] is int else round(float(value), 2)
                )
            out.append(point)
        return out


def course_of(point: dict[str, Any], follow_up_days: int = 365) -> Course:
    """The course a point describes, followed ``follow_up_days`` past the last session;
    settings not given take a standard course's values (pen 1.0 mm, 3 passes, 4 sessions 28
    days apart, cheeks, fine lines)."""
    sessions, interval = int(point.get("sessions", 4)), int(point.get("interval_days", 28))
    return Course.repeated(
        START,
        point.get("device_kind", "pen"),
        float(point.get("needle_length_mm", 1.0)),
        int(point.get("passes", 3)),
        sessions,
        interval,
        site=str(point.get("site", "cheeks")),
        concern=str(point.get("concern", "fine_lines")),
        horizon_days=(sessions - 1) * interval + follow_up_days,
    )
