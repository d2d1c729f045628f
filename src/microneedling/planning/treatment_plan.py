"""The treatment plan: what the planner returns, what the clinic stores, what the model simulates.

Field names here are a contract with the clinic records and the skin-response model: add fields,
do not rename them. Every number is an :class:`Explained` value or a :class:`NeedleDepth` with
its steps, so a reader can always ask "which rule produced this?". The JSON written by
``model_dump_json`` reads back with ``TreatmentPlan.model_validate_json``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from microneedling.knowledge import Severity
from microneedling.knowledge.devices import cartridge_name
from microneedling.planning.explained import Explained, NeedleDepth, PlanPart, Provenance
from microneedling.planning.request import ClinicContact, RequestedCourse
from microneedling.screening.result import ScreeningResult, SourceRef


class PlanPatient(PlanPart):
    """What the plan (and a simulation of it) needs to know about the patient."""

    age_years: int | None = Field(default=None, ge=0)
    sex: Literal["female", "male"] | None = None
    fitzpatrick_type: int | None = Field(default=None, ge=1, le=6)


class PlanDevice(PlanPart):
    """The device and cartridge the course uses, with the label's hard limit."""

    id: str
    name: str
    kind: Literal["pen", "roller"]
    cartridge: str | None = None
    needle_count: int | None = Field(default=None, description="needles per cartridge or roller")
    needle_length_min_mm: float
    needle_length_max_mm: float
    labelled_max_depth_mm: float
    sources: list[SourceRef] = Field(default_factory=list)

    @property
    def cartridge_name(self) -> str | None:
        """The cartridge in words (``14-needle cartridge``); None for a roller."""
        if self.cartridge is None or self.needle_count is None:
            return None
        return cartridge_name(self.needle_count)


class ConcernPlan(PlanPart):
    """One concern at one area: its own guide depth and course length."""

    concern: str
    name: str
    severity: Severity
    response: Literal["good", "moderate", "limited"]
    scale: str = Field(description="the clinical scale improvement is graded on")
    depth: NeedleDepth
    sessions: Explained[int]
    maintenance_months: Explained[int]
    expected_course: str


class AreaPlan(PlanPart):
    """One treated site: the depth it is needled at, passes, end-point and minutes."""

    site: str
    name: str
    region: str
    area_cm2: float
    concerns: list[ConcernPlan] = Field(min_length=1)
    depth: NeedleDepth = Field(description="the working needle depth for the area [mm]")
    passes: Explained[int]
    end_point: Explained[str]
    sessions: Explained[int] = Field(description="sessions this area is treated in")
    treatment_minutes: Explained[float]


class SessionArea(PlanPart):
    """An area treated in a session, with its settings."""

    site: str
    depth_mm: float = Field(gt=0)
    passes: int = Field(ge=1)


class SessionDuration(PlanPart):
    """How long a visit takes [min]: numbing, preparation, needling per area, aftercare."""

    anaesthetic_minutes: Explained[float]
    preparation_minutes: Explained[float]
    treatment_minutes: list[Explained[float]] = Field(description="one per treated area")
    aftercare_minutes: Explained[float]
    total_minutes: float = Field(gt=0)


class SessionPlan(PlanPart):
    """One session of the course."""

    number: int = Field(ge=1)
    date: dt.date
    scheduled_for: dt.date = Field(description="the date the interval gave, before any move")
    date_rule: Provenance = Field(description="how the date was chosen (start, interval, moves)")
    moves: list[str] = Field(default_factory=list, description="why the date was moved, if it was")
    areas: list[SessionArea] = Field(min_length=1)
    duration: SessionDuration


class PlannedMilestone(PlanPart):
    """A point in the expected results timeline, as a date window."""

    kind: str
    text: str
    session_number: int | None = Field(description="the session it counts from")
    earliest: dt.date
    latest: dt.date
    provenance: Provenance


class Maintenance(PlanPart):
    """Maintenance visits suggested for the year after the course."""

    interval_months: Explained[int]
    dates: list[dt.date]


class SheetInstruction(PlanPart):
    """One aftercare instruction; it applies from ``from_day`` to ``until_day`` (None: the
    whole course), counted from the session (day 0)."""

    topic: str
    name: str | None = Field(default=None, description="the knowledge base's name for it")
    text: str
    from_day: int = Field(default=0, ge=0)
    until_day: int | None = Field(default=None, ge=0)
    sources: list[SourceRef]


class SheetDay(PlanPart):
    """Instructions for one day after the session (day 0 is the day of treatment)."""

    day: int = Field(ge=0)
    date: dt.date
    instructions: list[SheetInstruction]


class SheetPrecaution(PlanPart):
    """A screening precaution the patient must know about, with its measures."""

    rule_id: str
    name: str
    reason: str
    measures: list[str]
    sources: list[SourceRef]


class SheetWarning(PlanPart):
    text: str
    action: Literal["call_clinic", "urgent_care"]
    sources: list[SourceRef]


class AftercareSheet(PlanPart):
    """What the patient takes home after a session."""

    session_number: int = Field(ge=1)
    session_date: dt.date
    days: list[SheetDay]
    throughout_course: list[SheetInstruction] = Field(
        description="instructions without an end day: for the whole course"
    )
    precautions: list[SheetPrecaution]
    warning_signs: list[SheetWarning]
    contact: ClinicContact | None
    whom_to_call: str


class TreatmentPlan(PlanPart):
    """An explained plan for one patient's course, under one rule-set version."""

    ruleset_version: str
    planned_on: dt.date
    screening: ScreeningResult
    patient: PlanPatient
    device: PlanDevice
    areas: list[AreaPlan] = Field(min_length=1)
    session_count: Explained[int]
    interval_weeks: Explained[int]
    sessions: list[SessionPlan] = Field(min_length=1)
    milestones: list[PlannedMilestone]
    maintenance: Maintenance
    aftercare: AftercareSheet = Field(description="the sheet for the first session")
    requested: RequestedCourse
    notes: list[str] = Field(default_factory=list)

    def area(self, site: str) -> AreaPlan:
        for area in self.areas:
            if area.site == site:
                return area
        raise KeyError(site)

    @property
    def max_depth_mm(self) -> float:
        """The deepest needle depth in any session [mm]."""
        return max(a.depth_mm for s in self.sessions for a in s.areas)
