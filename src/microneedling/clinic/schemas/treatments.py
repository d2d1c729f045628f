"""What a treatment session request carries and what the session service answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from microneedling.clinic.known_ids import SiteRef
from microneedling.clinic.paging import RecordRef
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.text import EntryRef, LongText, ShortText
from microneedling.iso_dates import ISO_DATE, DaysWithin, IsoDateTime
from microneedling.planning import LAST_PLANNABLE_DAY
from microneedling.screening import ScreeningResult

Severity = Literal["mild", "moderate", "severe"]
EndPoint = Literal["pinpoint_bleeding", "uniform_erythema", "not_reached"]
SessionStatus = Literal["in_progress", "stopped", "completed"]
#: The range of days a session filter may name: wider than any clinic's records, and narrow
#: enough that midnight at either end, in any time zone, is a time the database can hold.
FIRST_SESSION_DAY = date(1900, 1, 1)
SessionDay = Annotated[date, DaysWithin(FIRST_SESSION_DAY, LAST_PLANNABLE_DAY), ISO_DATE]


class SessionStart(BaseModel):
    model_config = ConfigDict(extra="forbid")

    appointment_id: RecordRef
    device_id: RecordRef
    lot_id: RecordRef
    check: PreTreatmentCheck
    anaesthetic_started_at: IsoDateTime | None = None


class AreaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site: SiteRef
    depth_mm: float = Field(
        gt=0, le=5, allow_inf_nan=False, description="needle depth set on the device [mm]"
    )
    passes: int = Field(ge=1, le=10)


class AdverseEventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: EntryRef = Field(description="e.g. bleeding, bruising, infection, hsv_outbreak")
    severity: Severity
    description: LongText
    noticed_at: IsoDateTime


class SessionCompletion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    treatment_started_at: IsoDateTime
    treatment_ended_at: IsoDateTime
    end_point: EndPoint
    products_after: list[ShortText] = Field(default_factory=list, max_length=20)
    aftercare_given: bool = True


class AreaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    site: str
    depth_mm: float
    passes: int


class AdverseEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    severity: Severity
    description: str
    noticed_at: datetime


class SessionOut(BaseModel):
    id: int
    course_number: int = Field(
        description="the session's number in its course as the patient counts it (1 = first)"
    )
    appointment_id: int
    patient_id: int
    plan_id: int
    plan_version: int
    practitioner_id: int
    device_id: int
    lot_id: int
    status: SessionStatus
    check: PreTreatmentCheck
    check_screening: ScreeningResult | None
    stop_reason: str | None
    anaesthetic_started_at: datetime | None
    treatment_started_at: datetime | None
    treatment_ended_at: datetime | None
    end_point: EndPoint | None
    products_after: list[str]
    areas: list[AreaOut]
    adverse_events: list[AdverseEventOut]
    aftercare_given_at: datetime | None


class SessionFilter(BaseModel):
    """Which of a patient's sessions to list; days are the appointment's, in clinic time."""

    model_config = ConfigDict(extra="forbid")

    status: SessionStatus | None = None
    date_from: SessionDay | None = Field(default=None, description="first day, included")
    date_to: SessionDay | None = Field(default=None, description="last day, included")
