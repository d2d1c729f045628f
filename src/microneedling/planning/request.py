"""What a practitioner asks the planner for: areas, concerns, device, dates and overrides.

:class:`RequestedCourse` is everything except the patient's intake; the plan keeps a copy of it
so that a stored plan can be re-planned (or edited and re-validated) later. :class:`PlanRequest`
adds the intake, in the screening module's format.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import Field, model_validator

from microneedling.iso_dates import ISO_DATE, DaysWithin
from microneedling.knowledge import Severity
from microneedling.knowledge.known_ids import OneOfKnown
from microneedling.planning.explained import PlanPart
from microneedling.screening.intake import Intake

#: The last day a course may start or a diary day be asked for. Far enough ahead for any clinic;
#: near enough that every date counted on from it (twelve sessions 26 weeks apart, a year of
#: maintenance, the aftercare days) stays inside the calendar Python can represent (year 9999).
LAST_PLANNABLE_DAY = date(2100, 12, 31)
#: A date on or before :data:`LAST_PLANNABLE_DAY` (from 0001-01-01, the first day ISO dates have).
PlannableDay = Annotated[date, DaysWithin(date.min, LAST_PLANNABLE_DAY), ISO_DATE]

Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
)  # fmt: skip


class ConcernRequest(PlanPart):
    """A concern to treat at an area and how severe it is there."""

    concern: Annotated[str, OneOfKnown("concerns")] = Field(
        min_length=1, description="concern id from the knowledge base"
    )
    severity: Severity


class AreaRequest(PlanPart):
    """One treated site, its concerns, and the practitioner's optional choices for it."""

    site: Annotated[str, OneOfKnown("sites")] = Field(
        min_length=1, description="site id from the knowledge base"
    )
    concerns: list[ConcernRequest] = Field(min_length=1)
    depth_mm: float | None = Field(
        default=None,
        gt=0,
        le=5,
        allow_inf_nan=False,
        description="requested needle depth [mm]; validated, not clamped",
    )
    passes: int | None = Field(default=None, ge=1, le=10, description="requested passes")

    @model_validator(mode="after")
    def _distinct_concerns(self) -> Self:
        ids = [c.concern for c in self.concerns]
        repeated = sorted({c for c in ids if ids.count(c) > 1})
        if repeated:
            raise ValueError(f"concern '{repeated[0]}' is listed twice for this area")
        return self


class ClinicContact(PlanPart):
    """Whom the patient calls about a warning sign."""

    name: str = Field(min_length=1)
    phone: str = Field(min_length=3)
    after_hours: str | None = Field(default=None, description="number or service out of hours")


class RequestedCourse(PlanPart):
    """The course asked for, without the intake (stored in the plan as it was asked)."""

    areas: list[AreaRequest] = Field(min_length=1)
    device: Annotated[str, OneOfKnown("devices")] = Field(
        min_length=1, description="device id from the knowledge base"
    )
    cartridge: Annotated[str, OneOfKnown("cartridges")] | None = Field(
        default=None, description="cartridge id (pens only)"
    )
    start_date: PlannableDay | None = Field(
        default=None,
        description="the first day the first session may take place; default: the planning day",
    )
    closed_dates: list[date] = Field(default_factory=list, description="holidays, closures")
    closed_weekdays: list[Weekday] = Field(default_factory=list)
    preferred_weekday: Weekday | None = None
    sessions: int | None = Field(
        default=None, ge=1, le=12, description="override of the session count"
    )
    interval_weeks: int | None = Field(
        default=None, ge=1, le=26, description="override of the weeks between sessions"
    )
    contact: ClinicContact | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        sites = [a.site for a in self.areas]
        repeated = sorted({s for s in sites if sites.count(s) > 1})
        if repeated:
            raise ValueError(f"site '{repeated[0]}' is listed twice; list each area once")
        if len(set(self.closed_weekdays)) == len(WEEKDAYS):
            raise ValueError("every weekday is closed; no session can be booked")
        if self.preferred_weekday is not None and self.preferred_weekday in self.closed_weekdays:
            raise ValueError(f"preferred weekday '{self.preferred_weekday}' is a closed weekday")
        return self

    def course(self, start_date: date | None = None) -> RequestedCourse:
        """This request without the intake, with ``start_date`` filled in when given.

        A plan stores its request with the start date it actually used, so re-planning the
        stored request reproduces the plan.
        """
        fields = {name: getattr(self, name) for name in RequestedCourse.model_fields}
        if start_date is not None:
            fields["start_date"] = start_date
        return RequestedCourse.model_validate(fields)


class PlanRequest(RequestedCourse):
    """A plan request: the course asked for and the patient's intake."""

    intake: Intake
