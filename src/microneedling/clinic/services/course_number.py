"""A session's number as the patient counts it: the first treatment of a course is session 1.

The database id of a session counts every session the clinic ever recorded; a patient, the
aftercare sheet and the record count the sessions of their own course. One rule for both.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microneedling.clinic.models import TreatmentSession


def course_number(session: Session, treatment: TreatmentSession) -> int:
    """1 + the completed sessions of the same plan recorded before this one (a stopped session
    is not a treatment the patient counts; an unfinished one is numbered as the next)."""
    earlier = session.scalar(
        select(func.count())
        .select_from(TreatmentSession)
        .where(
            TreatmentSession.plan_id == treatment.plan_id,
            TreatmentSession.status == "completed",
            TreatmentSession.id < treatment.id,
        )
    )
    return (earlier or 0) + 1
