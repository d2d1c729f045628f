"""Each evidence row as the model sees it: the course the study ran and the model's figure.

A row names its device, needle length, passes, sessions, interval, site and concern as the
paper reports them. What the paper does not report is filled from :data:`ASSUMED` (said on the
validation page beside the row), and sites and concerns outside the knowledge base are mapped
by :data:`SITE_OF` and :data:`CONCERN_OF`. :func:`model_value` runs the course and reads the
row's quantity at the row's time; ``values`` replaces nominal parameter values (calibration and
the independence test use it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np

from microneedling.model.course import Course, CoursePatient, CourseSession
from microneedling.model.evidence.schema import Evidence
from microneedling.model.laws.pigmentation import PIH_TYPES
from microneedling.model.result import CourseResult
from microneedling.model.simulation import simulate_course

START = dt.date(2026, 1, 5)

#: Knowledge-base site for the sites papers name.
SITE_OF: dict[str, str] = {
    "face": "cheeks",
    "cheeks": "cheeks",
    "midface": "cheeks",
    "forehead": "forehead",
    "periorbital": "periorbital",
    "neck": "neck",
    "abdomen": "abdomen",
    "thighs": "thighs",
    "forearm": "arms",
    "arms": "arms",
    "back": "back",
    "buttocks": "buttocks",
}

#: Knowledge-base concern for the concerns papers name; mixed acne scars are read as rolling
#: scars (the commonest type in the trials; ice-pick scars are reported apart).
CONCERN_OF: dict[str, str] = {"acne_scars_mixed": "acne_scars_rolling", "healthy_skin": "texture"}


@dataclass(frozen=True)
class Assumed:
    """Settings used where a paper does not report them, per device kind and concern group."""

    needle_length_mm: float
    passes: int
    interval_days: int = 30
    why: str = ""


#: (device kind, concern group) -> what a study that does not say is taken to have used.
ASSUMED: dict[tuple[str, str], Assumed] = {
    ("pen", "face"): Assumed(1.0, 3, why="a 1.0 mm pen, three passes: the usual facial setting"),
    ("pen", "scars"): Assumed(1.5, 3, why="a 1.5 mm pen, three passes: the usual scar setting"),
    ("pen", "body"): Assumed(1.5, 3, why="a 1.5 mm pen, three passes on the body"),
    ("roller", "face"): Assumed(1.0, 15, why="a 1.0 mm roller, 15 passes"),
    ("roller", "scars"): Assumed(1.5, 15, why="a 1.5 mm roller, 15 passes (Harris 2015 median)"),
    ("roller", "body"): Assumed(1.5, 15, why="a 1.5 mm roller, 15 passes on the body"),
}


def _group(concern: str) -> str:
    if "scar" in concern:
        return "scars"
    if concern.startswith("striae"):
        return "body"
    return "face"


def device_kind(row: Evidence) -> Literal["pen", "roller"]:
    """Rollers as rollers; pens, stamps and arrays all press needles straight in."""
    return "roller" if row.device == "roller" else "pen"


def course_for(row: Evidence) -> tuple[Course, list[str]]:
    """The course a row's study ran, and what was assumed to build it."""
    kind = device_kind(row)
    concern = CONCERN_OF.get(row.concern or "", row.concern or "texture")
    site = SITE_OF.get(row.site or "face", "cheeks")
    assumed = ASSUMED[(kind, _group(concern))]
    said: list[str] = []
    length = row.needle_mm
    if length is None:
        length = assumed.needle_length_mm
        said.append(f"needle {length} mm")
    passes = round(row.passes) if row.passes else None
    if passes is None:
        passes = assumed.passes
        said.append(f"{passes} passes")
    sessions = max(round(row.sessions or 1), 1)
    gap = round(row.interval_days) if row.interval_days else assumed.interval_days
    if sessions > 1 and not row.interval_days:
        said.append(f"{gap} days apart")
    course = Course(
        patient=CoursePatient(
            age_years=40.0, concern=concern, fitzpatrick_type=lowest_type(row.fitzpatrick)
        ),
        sessions=[
            CourseSession(
                date=START + dt.timedelta(days=gap * i),
                site=site,
                needle_length_mm=min(length, 3.0),
                passes=passes,
                device_kind=kind,
            )
            for i in range(sessions)
        ],
    )
    return course, said


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}


def lowest_type(fitzpatrick: str | None) -> int | None:
    """The lowest Fitzpatrick type of a range such as "IV-V" (None when not given)."""
    if not fitzpatrick:
        return None
    first = fitzpatrick.replace("–", "-").split("-")[0].strip().upper()
    return _ROMAN.get(first)


def _pih_pct(r: CourseResult, day: int, row: Evidence) -> float:
    if r.pih_chance is None:
        raise ValueError(f"{row.id}: no PIH figure for Fitzpatrick {row.fitzpatrick}")
    return 100.0 * r.pih_chance


def measurement_day(row: Evidence, course: Course) -> int:
    """Day of the measurement counted from the first session."""
    days = row.time_days or 0.0
    if row.time_reference == "last_session":
        days += course.last_session_day
    return round(days)


def _grade_change(r: CourseResult, day: int, row: Evidence) -> float:
    start = r.scale.baseline_grade if row.baseline is None else row.baseline
    share = float(r.daily["improvement_fraction"][day])
    return share * (start - r.scale.best)


def _mean_downtime(r: CourseResult) -> float:
    return float(np.mean([s.downtime_days for s in r.sessions]))


Reader = Callable[[CourseResult, int, Evidence], float]

#: quantity -> how to read it from a result at the measurement day.
READERS: dict[str, Reader] = {
    "channel_depth_um": lambda r, d, row: r.sessions[0].effective_depth_um,
    "channel_depth_fraction": lambda r, d, row: (
        r.sessions[0].effective_depth_um / (1000.0 * r.sessions[0].needle_length_mm)
    ),
    "epidermal_thickness_change_pct": lambda r, d, row: float(r.daily["epidermis_change_pct"][d]),
    "collagen_change_pct": lambda r, d, row: float(r.daily["collagen_pct"][d]) - 100.0,
    "elastin_change_pct": lambda r, d, row: float(r.daily["elastin_pct"][d]) - 100.0,
    "improvement_pct": lambda r, d, row: 100.0 * float(r.daily["improvement_fraction"][d]),
    "scar_score_change_pct": lambda r, d, row: 100.0 * float(r.daily["improvement_fraction"][d]),
    "wrinkle_grade_change": _grade_change,
    "laxity_grade_change": _grade_change,
    "texture_grade_change": _grade_change,
    "scar_grade_change": _grade_change,
    "erythema_days": lambda r, d, row: _mean_downtime(r),
    "adverse_event_days": lambda r, d, row: _mean_downtime(r),
    "erythema_recovery_h": lambda r, d, row: 24.0 * r.sessions[0].downtime_days,
    "tewl_recovery_h": lambda r, d, row: r.sessions[0].barrier_restored_after_h,
    "barrier_reseal_h": lambda r, d, row: r.sessions[0].barrier_recovered_after_h,
    "pore_closure_h": lambda r, d, row: r.sessions[0].channels_closed_after_h,
    "pih_incidence_pct": _pih_pct,
}


def can_model(row: Evidence) -> bool:
    """Whether the model outputs the row's quantity for a treated course (a qualitative row,
    or an untreated control, has nothing to compare)."""
    if row.quantity == "pih_incidence_pct" and lowest_type(row.fitzpatrick) not in PIH_TYPES:
        return False
    return row.quantity in READERS and row.value is not None and row.sessions != 0


def model_value(row: Evidence, values: Mapping[str, float] | None = None) -> float:
    """The model's figure for ``row`` [the row's unit], with ``values`` replacing nominal
    parameter values by name."""
    course, _ = course_for(row)
    day = measurement_day(row, course)
    result = simulate_course(
        course.model_copy(update={"horizon_days": max(day, course.horizon)}), values=values
    )
    return READERS[row.quantity](result, day, row)
