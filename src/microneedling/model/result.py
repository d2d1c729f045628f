"""What a simulation returns: daily series, 72-hour windows per session, milestones.

A :class:`CourseResult` is separate from the model that made it (scikit-learn manner); it holds
NumPy arrays and turns itself into plain JSON-ready data with :meth:`CourseResult.to_dict`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from microneedling.model.course import Course
from microneedling.model.laws.channels import ChannelGeometry

FloatArray = NDArray[np.float64]

#: Units of every series, for tables, JSON and plots.
UNITS: dict[str, str] = {
    "open_channel_fraction": "share of the latest session's channels still open [0-1]",
    "open_channels_per_cm2": "channels still open, all sessions [1/cm²]",
    "barrier_deficit_pct": "share of the skin surface without a barrier [%]",
    "redness_grade": "erythema grade [0-3]; 1 = visible",
    "collagen_pct": "papillary-dermis collagen relative to baseline [%]",
    "elastin_pct": "elastin relative to baseline [%]",
    "epidermis_change_pct": "epidermal thickness change [%]",
    "improvement_fraction": "share of the possible improvement on the concern's scale [0-1]",
    "expected_grade": "expected grade on the concern's scale",
    "inflammatory_signal": "inflammatory signal [-]",
    "macrophages": "macrophage activation [-]",
    "fibroblasts": "fibroblast activation [-]",
    "collagen_iii": "new collagen III [fraction of baseline collagen]",
    "collagen_i": "new collagen I [fraction of baseline collagen]",
    "elastin": "new elastin [fraction of baseline elastin]",
    "epidermis": "epidermal thickening [fraction of baseline]",
}


@dataclass(frozen=True)
class SessionOutcome:
    """One session: what the needles did and what the patient sees in the next 72 hours."""

    index: int
    date: dt.date
    needle_length_mm: float
    device_kind: str
    passes: int
    occluded: bool
    effective_depth_um: float
    deepest_layer: str
    punctures_per_cm2: float
    bleeding_probability: float
    bleeding_points_per_cm2: float
    channels: ChannelGeometry
    channels_closed_after_h: float
    barrier_recovered_after_h: float
    #: Hours until water loss is back to baseline (1 % of the deficit left): the part that
    #: closes with the channels makes this depth-dependent.
    barrier_restored_after_h: float
    downtime_days: float
    hourly: dict[str, FloatArray] = field(repr=False)

    @property
    def redness_gone_on(self) -> dt.date:
        """The day visible redness is over (the session day when there is none)."""
        return self.date + dt.timedelta(days=int(np.ceil(self.downtime_days - 1e-9)))

    def to_dict(self, series: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "date": self.date.isoformat(),
            "needle_length_mm": self.needle_length_mm,
            "device_kind": self.device_kind,
            "passes": self.passes,
            "occluded": self.occluded,
            "effective_depth_um": self.effective_depth_um,
            "deepest_layer": self.deepest_layer,
            "punctures_per_cm2": self.punctures_per_cm2,
            "bleeding_probability": self.bleeding_probability,
            "bleeding_points_per_cm2": self.bleeding_points_per_cm2,
            "channels": {
                "depth_um": self.channels.depth_um,
                "surface_radius_um": self.channels.surface_radius_um,
                "density_per_cm2": self.channels.density_per_cm2,
                "closure_half_time_h": self.channels.closure_half_time_h,
                "occluded": self.channels.occluded,
            },
            "channels_closed_after_h": self.channels_closed_after_h,
            "barrier_recovered_after_h": self.barrier_recovered_after_h,
            "barrier_restored_after_h": self.barrier_restored_after_h,
            "downtime_days": self.downtime_days,
            "redness_gone_on": self.redness_gone_on.isoformat(),
        }
        if series:
            out["hourly"] = {k: v.tolist() for k, v in self.hourly.items()}
        return out


@dataclass(frozen=True)
class Milestones:
    """Dates patients ask about; ``None`` when it does not happen within the horizon."""

    first_results_on: dt.date | None
    full_effect_on: dt.date | None
    maintenance_due_on: dt.date | None
    peak_improvement_fraction: float
    peak_expected_grade: float

    def to_dict(self) -> dict[str, Any]:
        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "first_results_on": iso(self.first_results_on),
            "full_effect_on": iso(self.full_effect_on),
            "maintenance_due_on": iso(self.maintenance_due_on),
            "peak_improvement_fraction": self.peak_improvement_fraction,
            "peak_expected_grade": self.peak_expected_grade,
        }


@dataclass(frozen=True)
class ConcernScale:
    """The concern and the scale its improvement is expressed on."""

    concern_id: str
    concern_name: str
    response: str
    scale_name: str
    best: float
    worst: float
    baseline_grade: float


@dataclass(frozen=True)
class CourseResult:
    """The simulated course of one patient: daily series from the first session on."""

    course: Course
    scale: ConcernScale
    days: NDArray[np.int64]
    daily: dict[str, FloatArray] = field(repr=False)
    sessions: tuple[SessionOutcome, ...]
    milestones: Milestones
    parameters: dict[str, float] = field(repr=False)
    sources: dict[str, str] = field(repr=False)
    #: Chance [0-1] that the course leaves post-inflammatory hyperpigmentation; None where no
    #: source gives a figure for the patient's skin type (:mod:`.pigmentation`).
    pih_chance: float | None = None

    @property
    def dates(self) -> list[dt.date]:
        start = self.course.start
        return [start + dt.timedelta(days=int(d)) for d in self.days]

    def on(self, day: int) -> dict[str, float]:
        """Every daily output on day ``day`` after the first session."""
        return {k: float(v[day]) for k, v in self.daily.items()}

    def to_dict(self, series: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "course": self.course.model_dump(mode="json"),
            "concern": self.scale.__dict__,
            "milestones": self.milestones.to_dict(),
            "pih_chance": self.pih_chance,
            "sessions": [s.to_dict(series) for s in self.sessions],
            "units": UNITS,
            "parameters": self.parameters,
            "sources": self.sources,
        }
        if series:
            out["daily"] = {
                "date": [d.isoformat() for d in self.dates],
                **{k: v.tolist() for k, v in self.daily.items()},
            }
        return out
