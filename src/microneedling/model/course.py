"""A course of sessions applied to one patient at one treated site: the model's input.

A :class:`Course` can be written by hand (``examples/course-*.yaml``) or made from a treatment
plan with :func:`microneedling.model.course_from_plan`. Dates are calendar days; the model puts
each session at the start of its day.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from microneedling.knowledge import Severity

#: Sessions at one site closer than this are refused: the model's 72-hour windows after each
#: session must not overlap, and no protocol repeats needling within days.
MIN_DAYS_BETWEEN_SESSIONS = 3


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class CoursePatient(_Frozen):
    """Who is treated: age [years], sex, Fitzpatrick skin type, the concern and its severity."""

    age_years: float = Field(ge=16, le=100)
    sex: Literal["female", "male"] | None = None
    fitzpatrick_type: int | None = Field(default=None, ge=1, le=6)
    concern: str = Field(min_length=1, description="knowledge-base concern id")
    severity: Severity = "moderate"


class CourseSession(_Frozen):
    """One session: date, site, needle length [mm], passes and the device's kind.

    ``punctures_per_pass_per_cm2`` overrides the default density of a pass for the device kind
    (pen: ~90/cm², roller: ~16/cm²). ``occluded`` means the site is covered (a mask or a patch)
    after treatment, which keeps the channels open longer.
    """

    date: dt.date
    site: str = Field(min_length=1, description="knowledge-base site id")
    needle_length_mm: float = Field(gt=0, le=3.0)
    passes: int = Field(ge=1, le=20)
    device_kind: Literal["pen", "roller"]
    punctures_per_pass_per_cm2: float | None = Field(default=None, gt=0, le=1000)
    occluded: bool = False
    device: str | None = Field(default=None, description="knowledge-base device id, if known")


class Course(_Frozen):
    """Sessions at one site for one patient; ``horizon_days`` defaults to a year past the last."""

    patient: CoursePatient
    sessions: list[CourseSession] = Field(min_length=1, max_length=52)
    horizon_days: int | None = Field(
        default=None, ge=1, le=3650, description="days simulated from the first session"
    )

    @model_validator(mode="after")
    def _one_site_in_order(self) -> Self:
        first = self.sessions[0]
        for i, s in enumerate(self.sessions[1:], start=1):
            if s.site != first.site:
                raise ValueError(
                    f"session {i} is at '{s.site}' but session 0 at '{first.site}': a course "
                    "follows one treated site (simulate each area as its own course)"
                )
            gap = (s.date - self.sessions[i - 1].date).days
            if gap < MIN_DAYS_BETWEEN_SESSIONS:
                raise ValueError(
                    f"session {i} is {gap} day(s) after the one before; sessions at one site "
                    f"must be at least {MIN_DAYS_BETWEEN_SESSIONS} days apart, in date order"
                )
        if self.horizon_days is not None and self.horizon_days < self.last_session_day:
            raise ValueError("horizon_days ends before the last session")
        return self

    @classmethod
    def repeated(
        cls,
        start: dt.date,
        kind: Literal["pen", "roller"],
        length_mm: float,
        passes: int,
        sessions: int = 1,
        gap_days: int = 28,
        *,
        site: str = "cheeks",
        concern: str = "fine_lines",
        occluded: bool = False,
        age_years: float = 40.0,
        sex: Literal["female", "male"] | None = None,
        horizon_days: int | None = None,
    ) -> Course:
        """``sessions`` identical sessions every ``gap_days`` from ``start`` (the settings a
        study describes): device kind, needle length [mm], passes."""
        return cls(
            patient=CoursePatient(age_years=age_years, sex=sex, concern=concern),
            sessions=[
                CourseSession(
                    date=start + dt.timedelta(days=gap_days * i),
                    site=site,
                    needle_length_mm=length_mm,
                    passes=passes,
                    device_kind=kind,
                    occluded=occluded,
                )
                for i in range(sessions)
            ],
            horizon_days=horizon_days,
        )

    @property
    def start(self) -> dt.date:
        return self.sessions[0].date

    @property
    def site(self) -> str:
        return self.sessions[0].site

    @property
    def session_days(self) -> list[int]:
        """Day of each session counted from the first (day 0)."""
        return [(s.date - self.start).days for s in self.sessions]

    @property
    def last_session_day(self) -> int:
        return self.session_days[-1]

    @property
    def horizon(self) -> int:
        """Days simulated after the first session [day]."""
        return self.horizon_days if self.horizon_days is not None else self.last_session_day + 365
