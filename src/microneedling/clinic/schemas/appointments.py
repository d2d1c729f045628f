"""What an appointment request carries and what the appointment service answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from microneedling.clinic.paging import RecordRef
from microneedling.clinic.text import Code, ShortText
from microneedling.iso_dates import IsoDateTime

Kind = Literal["consultation", "session", "follow_up"]
Status = Literal["booked", "completed", "cancelled", "no_show"]


class AppointmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patient_id: RecordRef
    practitioner_id: RecordRef
    location_id: RecordRef | None = Field(
        default=None, description="where the visit is; none: the default location"
    )
    room: Code = Field(description="one of the location's rooms")
    kind: Kind
    starts_at: IsoDateTime = Field(description="the location's wall-clock time if no zone is given")
    duration_minutes: int = Field(gt=0, le=8 * 60)
    plan_id: RecordRef | None = Field(default=None, description="required for a session")
    note: ShortText | None = None


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ShortText | None = None


class AppointmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    patient_id: int
    practitioner_id: int
    location_id: int
    room: str
    kind: Kind
    plan_id: int | None
    starts_at: datetime = Field(description="in the location's zone")
    ends_at: datetime
    status: Status
    note: str | None
    status_changed_at: datetime | None
    status_reason: str | None


class AppointmentFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    patient_id: RecordRef | None = None
    practitioner_id: RecordRef | None = None
    location_id: RecordRef | None = None
    room: str | None = None
    kind: Kind | None = None
    status: Status | None = None
    starts_from: IsoDateTime | None = None
    starts_before: IsoDateTime | None = None
