"""What a treatment plan request carries and what the plan service answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from microneedling.clinic.known_ids import SiteRef
from microneedling.clinic.text import PersonName, ShortText
from microneedling.iso_dates import IsoDate
from microneedling.planning import RequestedCourse, TreatmentPlan

PlanStatus = Literal["draft", "consented", "cancelled"]


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    course: RequestedCourse = Field(description="the course asked for; the intake is the clinic's")


def _change_required(schema: dict[str, Any]) -> None:
    # The server tells the changes apart by ``change`` (the discriminator), so a request must
    # carry it; the default serves Python callers only.
    schema["required"] = ["change", *schema.get("required", [])]


class AreaDepthChange(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_change_required)

    change: Literal["depth_mm"] = "depth_mm"
    site: SiteRef
    value: float = Field(gt=0, le=5, allow_inf_nan=False, description="needle depth [mm]")
    reason: ShortText


class AreaPassesChange(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_change_required)

    change: Literal["passes"] = "passes"
    site: SiteRef
    value: int = Field(ge=1, le=10)
    reason: ShortText


class SessionsChange(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_change_required)

    change: Literal["sessions"] = "sessions"
    value: int = Field(ge=1, le=12)
    reason: ShortText


class IntervalChange(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_change_required)

    change: Literal["interval_weeks"] = "interval_weeks"
    value: int = Field(ge=1, le=26)
    reason: ShortText


class StartDateChange(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_change_required)

    change: Literal["start_date"] = "start_date"
    value: IsoDate
    reason: ShortText


PlanChange = Annotated[
    AreaDepthChange | AreaPassesChange | SessionsChange | IntervalChange | StartDateChange,
    Field(discriminator="change"),
]


class PlanEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    changes: list[PlanChange] = Field(min_length=1, max_length=20)


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="the plan version the patient agreed to")
    consented_by: PersonName = Field(description="the patient's name as signed")
    method: Literal["signature", "electronic", "verbal_witnessed"]


class DrawnConsent(BaseModel):
    """A consent given by signing a consent document (never posted as such by a client)."""

    version: int = Field(ge=1)
    consented_by: PersonName
    method: Literal["drawn_signature"] = "drawn_signature"


class ConsentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    plan_version: int
    consented_by: str
    method: str
    consented_at: datetime
    witnessed_by: int | None


class VersionOut(BaseModel):
    version: int
    created_at: datetime
    created_by: int
    ruleset_version: str
    changes: list[dict[str, Any]]


class PlanFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: PlanStatus | None = None


class PlanOut(BaseModel):
    id: int
    patient_id: int
    screening_id: int
    status: PlanStatus
    current_version: int
    created_at: datetime
    plan: TreatmentPlan
    versions: list[VersionOut]
    consents: list[ConsentOut]


class ScheduledVisit(BaseModel):
    """One planned session as booking sees it: when, and how long the visit takes [min]."""

    number: int
    planned_on: date
    minutes: int


class PlanSchedule(BaseModel):
    """What booking a plan's sessions needs, and nothing clinical (no areas, depths or
    screening): the front desk books from it."""

    plan_id: int
    patient_id: int
    status: PlanStatus
    interval_weeks: int
    sessions: list[ScheduledVisit]
