"""Good-faith examinations: a prescriber examines the patient and clears (or does not clear)
treatment by nurses and aestheticians.

An examination clears treatment from the day it was made through ``MICRONEEDLING_GFE_VALID_DAYS``
days after it; the patient's latest examination is the one that counts, so a later "not cleared"
withdraws an earlier clearance. Where the clinic sets ``MICRONEEDLING_REQUIRE_GFE``, no session
starts without a valid one (:func:`refuse_without_valid_exam`).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic, Service
from microneedling.clinic.models import GoodFaithExam, StaffMember
from microneedling.clinic.past_only import not_after_now
from microneedling.clinic.roles import Permission
from microneedling.clinic.services.lookups import live_patient
from microneedling.clinic.text import LongText
from microneedling.errors import RequestRefused
from microneedling.iso_dates import DaysWithin, IsoDate

ExamOutcome = Literal["cleared", "not_cleared"]
#: The earliest examination day a record may carry.
FIRST_EXAM_DAY = date(1900, 1, 1)


class ExamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    examined_on: Annotated[IsoDate, DaysWithin(FIRST_EXAM_DAY, date.max)] = Field(
        description="the day of the examination: from 1900-01-01, not after the clinic's today"
    )
    outcome: ExamOutcome = Field(default="cleared", description="whether it clears treatment")
    note: LongText | None = Field(default=None, description="the examiner's findings")


class ExamOut(BaseModel):
    id: int
    patient_id: int
    examined_on: date
    examiner_id: int
    examiner_name: str
    outcome: ExamOutcome
    note: str | None
    recorded_at: datetime
    valid_until: date | None = Field(description="last day it clears treatment; none if not")


class ExamStatus(BaseModel):
    """The patient's examinations, newest first, and whether treatment is cleared today."""

    patient_id: int
    required: bool = Field(description="the clinic requires a valid examination per session")
    valid: bool
    valid_until: date | None
    exams: list[ExamOut]


def _out(session: Session, exam: GoodFaithExam, valid_days: int) -> ExamOut:
    examiner = session.get(StaffMember, exam.examiner_id)
    assert examiner is not None
    cleared = exam.outcome == "cleared"
    return ExamOut(
        id=exam.id,
        patient_id=exam.patient_id,
        examined_on=exam.examined_on,
        examiner_id=exam.examiner_id,
        examiner_name=examiner.full_name,
        outcome="cleared" if cleared else "not_cleared",
        note=exam.note,
        recorded_at=exam.recorded_at,
        valid_until=exam.examined_on + timedelta(days=valid_days) if cleared else None,
    )


def _exams(session: Session, patient_id: int) -> list[GoodFaithExam]:
    return list(
        session.scalars(
            select(GoodFaithExam)
            .where(GoodFaithExam.patient_id == patient_id)
            .order_by(GoodFaithExam.examined_on.desc(), GoodFaithExam.id.desc())
        )
    )


def exam_status(session: Session, clinic: Clinic, patient_id: int) -> ExamStatus:
    settings = clinic.settings
    exams = [_out(session, e, settings.gfe_valid_days) for e in _exams(session, patient_id)]
    until = exams[0].valid_until if exams else None
    return ExamStatus(
        patient_id=patient_id,
        required=settings.require_gfe,
        valid=until is not None and clinic.today() <= until,
        valid_until=until,
        exams=exams,
    )


def refuse_without_valid_exam(
    session: Session, clinic: Clinic, patient_id: int, field: str
) -> None:
    """Where the clinic requires it, refuse unless the patient's latest examination clears
    treatment today."""
    if not clinic.settings.require_gfe:
        return
    status = exam_status(session, clinic, patient_id)
    if status.valid:
        return
    if not status.exams:
        problem = "the patient has no good-faith examination; a medical director must examine them"
    elif status.valid_until is None:
        latest = status.exams[0].examined_on.isoformat()
        problem = f"the patient's latest good-faith examination ({latest}) did not clear treatment"
    else:
        problem = (
            f"the patient's good-faith examination expired on {status.valid_until.isoformat()}; "
            "a medical director must examine them again"
        )
    raise RequestRefused(field, problem)


class ExaminationService(Service):
    def record(self, patient_id: int, data: ExamIn) -> ExamStatus:
        """Record an examination by the signed-in prescriber (only they may)."""
        with self.unit(Permission.RECORD_GFE) as u:
            live_patient(u.session, patient_id)
            not_after_now("examined_on", data.examined_on, self.clinic)
            exam = GoodFaithExam(
                patient_id=patient_id,
                examined_on=data.examined_on,
                examiner_id=self.actor.staff_id,
                outcome=data.outcome,
                note=data.note,
            )
            u.session.add(exam)
            u.session.flush()
            u.audit.record(
                "create", "good_faith_exam", exam.id, patient_id=patient_id,
                detail={"examined_on": data.examined_on.isoformat(), "outcome": data.outcome},
            )  # fmt: skip
            return exam_status(u.session, self.clinic, patient_id)

    def status(self, patient_id: int) -> ExamStatus:
        with self.reading(Permission.READ_CLINICAL) as u:
            live_patient(u.session, patient_id)
            u.audit.read("good_faith_exam", None, patient_id)
            return exam_status(u.session, self.clinic, patient_id)
