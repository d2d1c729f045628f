"""The recall list: patients due for maintenance, and series that have lapsed.

For each patient's latest consented plan: once every session of the course is done,
maintenance is due the plan's maintenance interval after the last session (the plan's own
first maintenance date and, on request, the skin-response model's predicted date are shown
beside it). While the course is under way, the series has lapsed when the next session is
more than ``series_lapse_days`` past the plan's interval after the last one and none is
booked. A patient with an appointment booked ahead is not on the list: the desk has them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic, Service
from microneedling.clinic.locations import contact_locations, default_place, places
from microneedling.clinic.models import (
    Appointment,
    Patient,
    PlanRecord,
    PlanVersion,
    TreatmentSession,
)
from microneedling.clinic.paging import RecordRef
from microneedling.clinic.roles import Permission
from microneedling.iso_dates import IsoDate
from microneedling.model import course_from_plan, simulate_course
from microneedling.planning import TreatmentPlan
from microneedling.planning.schedule import add_months

RecallReason = Literal["maintenance", "lapsed_series"]


class RecallEntry(BaseModel):
    """One patient to call back; dates are clinic-local days."""

    patient_id: int
    patient_name: str
    email: str | None
    phone: str | None
    consent_messages: bool
    plan_id: int
    reason: RecallReason
    due_on: date
    days_overdue: int
    last_session_on: date
    sessions_done: int
    sessions_planned: int
    interval_weeks: int
    planned_maintenance_on: date | None = None
    predicted_maintenance_on: date | None = None
    location_id: int | None = Field(
        default=None, description="where the patient is called back to (their contact location)"
    )
    location_name: str | None = Field(default=None, description="that location's name")


class RecallFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RecallReason | None = None
    location_id: RecordRef | None = None
    due_by: IsoDate | None = None
    with_prediction: bool = False


@dataclass(frozen=True)
class _Course:
    plan: PlanRecord
    done: list[date]
    #: The plan's current version (read only for a course with a session done).
    current: TreatmentPlan


def _latest_courses(session: Session, clinic: Clinic) -> list[_Course]:
    # Three queries for every course at once (plans, completed sessions, current versions):
    # the worker plans recalls every round, so a query per plan is thousands of statements.
    latest = (
        select(PlanRecord.patient_id, func.max(PlanRecord.id).label("plan_id"))
        .where(PlanRecord.status == "consented")
        .group_by(PlanRecord.patient_id)
        .subquery()
    )
    plans = session.scalars(
        select(PlanRecord)
        .join(latest, latest.c.plan_id == PlanRecord.id)
        .join(Patient, Patient.id == PlanRecord.patient_id)
        .where(Patient.deleted_at.is_(None))
        .order_by(PlanRecord.id)
    ).all()
    ends: dict[int, list[date]] = {}
    for plan_id, ended in session.execute(
        select(TreatmentSession.plan_id, TreatmentSession.treatment_ended_at)
        .join(latest, latest.c.plan_id == TreatmentSession.plan_id)
        .where(TreatmentSession.status == "completed")
    ):
        if ended is not None and plan_id is not None:
            ends.setdefault(plan_id, []).append(clinic.local(ended).date())
    versions: dict[int, TreatmentPlan] = {
        plan_id: plan
        for plan_id, plan in session.execute(
            select(PlanVersion.plan_id, PlanVersion.plan)
            .join(latest, latest.c.plan_id == PlanVersion.plan_id)
            .join(PlanRecord, PlanRecord.id == PlanVersion.plan_id)
            # Only courses with a session done: a plan's document is large to read.
            .where(PlanVersion.version == PlanRecord.current_version, PlanVersion.plan_id.in_(ends))
        )
    }
    return [
        _Course(plan, sorted(ends[plan.id]), versions[plan.id]) for plan in plans if plan.id in ends
    ]


def booked_ahead(session: Session, clinic: Clinic) -> set[int]:
    """Patients with an appointment booked from now on (the desk has them)."""
    return set(
        session.scalars(
            select(Appointment.patient_id).where(
                Appointment.status == "booked", Appointment.starts_at >= clinic.now()
            )
        )
    )


def recall_entries(
    session: Session, clinic: Clinic, due_by: date, *, with_prediction: bool = False
) -> list[RecallEntry]:
    """Every patient due by ``due_by`` (maintenance) or lapsed today (series), by due date."""
    today = clinic.today()
    booked = booked_ahead(session, clinic)
    lapse = timedelta(days=clinic.settings.series_lapse_days)
    entries = []
    for course in _latest_courses(session, clinic):
        record = course.plan
        if record.patient_id in booked:
            continue
        plan = course.current
        last = course.done[-1]
        planned = plan.session_count.value
        if len(course.done) >= planned:
            reason: RecallReason = "maintenance"
            due = add_months(last, plan.maintenance.interval_months.value)
            if due > due_by:
                continue
        else:
            reason = "lapsed_series"
            due = last + timedelta(weeks=plan.interval_weeks.value)
            if today <= due + lapse:
                continue
        patient = session.get(Patient, record.patient_id)
        assert patient is not None
        predicted = None
        if with_prediction and reason == "maintenance":
            result = simulate_course(course_from_plan(plan), knowledge=clinic.kb)
            predicted = result.milestones.maintenance_due_on
        entries.append(
            RecallEntry(
                patient_id=patient.id, patient_name=f"{patient.given_name} {patient.family_name}",
                email=patient.email, phone=patient.phone,
                consent_messages=patient.consent_messages, plan_id=record.id, reason=reason,
                due_on=due, days_overdue=max(0, (today - due).days), last_session_on=last,
                sessions_done=len(course.done), sessions_planned=planned,
                interval_weeks=plan.interval_weeks.value,
                planned_maintenance_on=plan.maintenance.dates[0] if plan.maintenance.dates
                else None,
                predicted_maintenance_on=predicted,
            )
        )  # fmt: skip
    _where_called_back(session, entries)
    return sorted(entries, key=lambda e: (e.due_on, e.patient_name))


def _where_called_back(session: Session, entries: list[RecallEntry]) -> None:
    """Each entry's location: the patient's contact location (in two queries for the list)."""
    chosen = contact_locations(session, [e.patient_id for e in entries])
    default = default_place(session)
    names = {place.id: place.name for place in places(session)}
    for entry in entries:
        entry.location_id = chosen.get(entry.patient_id, default.id)
        entry.location_name = names[entry.location_id]


CSV_COLUMNS = (
    "patient_id", "patient_name", "email", "phone", "consent_messages", "plan_id", "reason",
    "due_on", "days_overdue", "last_session_on", "sessions_done", "sessions_planned",
    "planned_maintenance_on", "predicted_maintenance_on", "location_id", "location_name",
)  # fmt: skip


def recall_csv(entries: list[RecallEntry]) -> str:
    """The list as CSV (RFC 4180), one row per entry, dates ISO 8601."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        row = entry.model_dump(mode="json")
        writer.writerow(["" if row[c] is None else row[c] for c in CSV_COLUMNS])
    return out.getvalue()


class RecallService(Service):
    def due(self, where: RecallFilter) -> list[RecallEntry]:
        """The recall list; maintenance due by ``due_by`` (default: the notice period ahead)."""
        # A report over every course: the replica may serve it (it waits for the replica to
        # replay what the primary had committed, so a booking made just now is seen).
        with self.reading(
            Permission.READ_CONTACTS, Permission.READ_APPOINTMENTS, replica=True
        ) as u:
            due_by = where.due_by or self.clinic.today() + timedelta(
                days=self.clinic.settings.recall_notice_days
            )
            entries = recall_entries(
                u.session, self.clinic, due_by, with_prediction=where.with_prediction
            )
            if where.reason is not None:
                entries = [e for e in entries if e.reason == where.reason]
            if where.location_id is not None:
                entries = [e for e in entries if e.location_id == where.location_id]
            u.audit.listed("recall", [e.plan_id for e in entries], [e.patient_id for e in entries])
            return entries
