"""What an intake request carries and what the intake service answers."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from microneedling.clinic.paging import RecordRef
from microneedling.screening import Decision, Intake, ScreeningResult

Occasion = Literal["intake", "rescreen", "pre_treatment_check"]


class ScreeningOut(BaseModel):
    id: int
    intake_id: int
    intake_version: int
    occasion: Occasion
    created_at: datetime
    result: ScreeningResult


class IntakeOut(BaseModel):
    id: int
    patient_id: int
    version: int
    recorded_at: datetime
    recorded_by: int
    supersedes_id: int | None
    current: bool
    answers: Intake


class IntakeScreened(BaseModel):
    """An intake version and the screening it received when it was recorded."""

    intake: IntakeOut
    screening: ScreeningOut


class IntakeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    answers: Intake


class IntakeFilter(BaseModel):
    """Which of a patient's intake versions to list (both ends included)."""

    model_config = ConfigDict(extra="forbid")

    version_from: RecordRef | None = None
    version_to: RecordRef | None = None


class ScreeningFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    occasion: Occasion | None = None
    decision: Decision | None = None
