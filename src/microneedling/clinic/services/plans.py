"""Treatment plans: made by the core planner, edited by practitioners within the core's limits.

Every edit is re-planned through :func:`microneedling.planning.make_plan`, so a depth beyond
the site's safe depth, the device's labelled maximum or a screening cap is refused exactly as
the planner refuses it. Each edit is a new version with the practitioner's reason for each
change; consent is to one version, and an edit after consent needs consent again.
"""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.models import (
    IntakeRecord,
    PlanConsent,
    PlanRecord,
    PlanVersion,
    ScreeningRecord,
    TreatmentSession,
)
from microneedling.clinic.paging import Page, PageRequest, every_item, paginate
from microneedling.clinic.roles import Permission
from microneedling.clinic.schemas.plans import (
    AreaDepthChange,
    AreaPassesChange,
    ConsentIn,
    ConsentOut,
    PlanEdit,
    PlanFilter,
    PlanIn,
    PlanOut,
    PlanSchedule,
    ScheduledVisit,
    StartDateChange,
    VersionOut,
)
from microneedling.clinic.services.intake_records import intake_in_date, treatable_screening
from microneedling.clinic.services.lookups import (
    current_treatment_plan,
    current_version,
    get_plan,
    latest_intake,
    latest_screening,
    live_patient,
)
from microneedling.clinic.services.plan_consent import record_consent
from microneedling.clinic.services.plan_summaries import PlanSummary, plan_summaries
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.planning import PlanRequest, RequestedCourse, TreatmentPlan, make_plan
from microneedling.screening import Intake


def _schedule(session: Session, record: PlanRecord) -> PlanSchedule:
    plan = current_treatment_plan(session, record)
    return PlanSchedule(
        plan_id=record.id,
        patient_id=record.patient_id,
        status=record.status,
        interval_weeks=plan.interval_weeks.value,
        sessions=[
            ScheduledVisit(
                number=s.number,
                planned_on=s.date,
                minutes=math.ceil(s.duration.total_minutes),
            )
            for s in plan.sessions
        ],
    )


def _apply(course: RequestedCourse, changes: list[Any]) -> RequestedCourse:
    data = course.model_dump()
    sites = {a["site"]: a for a in data["areas"]}
    for i, change in enumerate(changes):
        if isinstance(change, AreaDepthChange | AreaPassesChange):
            area = sites.get(change.site)
            if area is None:
                raise InvalidInput(f"changes.{i}.site", f"the plan does not treat '{change.site}'")
            area[change.change] = change.value
        else:
            data[change.change] = change.value
    return RequestedCourse.model_validate(data)


class PlanService(Service):
    def create(self, patient_id: int, data: PlanIn) -> PlanOut:
        """Plan from the patient's current intake and its latest screening."""
        with self.unit(Permission.WRITE_CLINICAL) as u:
            live_patient(u.session, patient_id)
            intake = latest_intake(u.session, patient_id)
            if intake is None:
                raise RequestRefused("patient_id", "record and screen an intake before planning")
            intake_in_date(intake, "patient_id", self.clinic)
            screening = latest_screening(u.session, intake.id)
            assert screening is not None
            request = PlanRequest(**data.course.model_dump(), intake=intake.answers)
            result = screening.result
            plan = make_plan(request, result, self.clinic.kb, self.clinic.today())
            record = PlanRecord(
                patient_id=patient_id, screening_id=screening.id, created_by=self.actor.staff_id
            )
            u.session.add(record)
            u.session.flush()
            u.session.add(
                PlanVersion(
                    plan_id=record.id,
                    version=1,
                    request=plan.requested,
                    plan=plan,
                    ruleset_version=plan.ruleset_version,
                    changes=[],
                    created_by=self.actor.staff_id,
                )
            )
            u.session.flush()
            u.audit.record("create", "plan", record.id, patient_id=patient_id)
            return self._out(u.session, record)

    def edit(self, plan_id: int, data: PlanEdit) -> PlanOut:
        """A new version, re-planned by the core with the changes; refused beyond any limit."""
        with self.unit(Permission.WRITE_CLINICAL) as u:
            record = get_plan(u.session, plan_id)
            if record.status == "cancelled":
                raise RequestRefused("plan_id", "the plan is cancelled")
            version = current_version(u.session, record)
            previous = version.plan
            today = self.clinic.today()
            done = _sessions_done(u.session, record)
            if done and done >= len(previous.sessions):
                raise RequestRefused(
                    "plan_id",
                    f"the course is complete ({done} of {len(previous.sessions)} sessions done); "
                    "plan a new course instead",
                )
            for i, change in enumerate(data.changes):
                if isinstance(change, StartDateChange):
                    if done:
                        raise RequestRefused(
                            f"changes.{i}.value",
                            f"the course has begun ({done} session(s) done); its start date "
                            "cannot move",
                        )
                    if change.value < today:
                        raise RequestRefused(f"changes.{i}.value", "the new start date is past")
            screening = treatable_screening(u.session, record.patient_id, "plan_id", self.clinic)
            course = _apply(previous.requested, data.changes)
            changes = [c.model_dump(mode="json") for c in data.changes]
            if done:
                # Sessions done keep the dates the patient consented to: re-planned on the
                # original planning day, so session 1 stays where it was.
                planned_on = previous.planned_on
            else:
                planned_on = today
                start = course.start_date or previous.planned_on
                if start < today:
                    course = course.model_copy(update={"start_date": today})
                    changes.append(
                        {"change": "start_date", "value": today.isoformat(),
                         "reason": f"re-dated: the planned start {start.isoformat()} had passed"}
                    )  # fmt: skip
            request = PlanRequest(
                **course.model_dump(), intake=_screened_intake(u.session, screening.id)
            )
            # Re-planned against the patient's current screening, so a depth beyond a site,
            # device or today's screening cap is refused here exactly as the planner refuses it.
            result = screening.result
            try:
                plan = make_plan(request, result, self.clinic.kb, planned_on)
            except InvalidInput as exc:
                exc.field = _change_field(exc.field, course, data.changes)
                exc.args = (exc.message,)
                raise
            record.screening_id = screening.id
            record.current_version = version.version + 1
            record.status = "draft"
            u.session.add(
                PlanVersion(
                    plan_id=record.id,
                    version=record.current_version,
                    request=plan.requested,
                    plan=plan,
                    ruleset_version=plan.ruleset_version,
                    changes=changes,
                    created_by=self.actor.staff_id,
                )
            )
            u.session.flush()
            u.audit.record(
                "update", "plan", record.id, patient_id=record.patient_id,
                detail={"version": record.current_version,
                        "changes": [c.change for c in data.changes]},
            )  # fmt: skip
            return self._out(u.session, record)

    def consent(self, plan_id: int, data: ConsentIn) -> PlanOut:
        with self.unit(Permission.WRITE_CLINICAL) as u:
            record = get_plan(u.session, plan_id)
            record_consent(u, self.clinic, record, data, self.actor.staff_id)
            return self._out(u.session, record)

    def cancel(self, plan_id: int) -> PlanOut:
        with self.unit(Permission.WRITE_CLINICAL) as u:
            record = get_plan(u.session, plan_id)
            record.status = "cancelled"
            u.audit.record("cancel", "plan", record.id, patient_id=record.patient_id)
            return self._out(u.session, record)

    def get(self, plan_id: int) -> PlanOut:
        with self.reading(Permission.READ_CLINICAL) as u:
            record = get_plan(u.session, plan_id)
            u.audit.read("plan", record.id, record.patient_id)
            return self._out(u.session, record)

    def schedule(self, plan_id: int) -> PlanSchedule:
        """The plan's session dates and visit lengths, for whoever books appointments."""
        with self.reading(Permission.BOOK_APPOINTMENTS) as u:
            record = get_plan(u.session, plan_id)
            u.audit.read("plan_schedule", record.id, record.patient_id)
            return _schedule(u.session, record)

    def schedule_page(self, patient_id: int, page: PageRequest) -> Page[PlanSchedule]:
        """One page of the schedules of the patient's plans that are not cancelled, newest
        first."""
        with self.reading(Permission.BOOK_APPOINTMENTS) as u:
            live_patient(u.session, patient_id)
            query = select(PlanRecord).where(
                PlanRecord.patient_id == patient_id, PlanRecord.status != "cancelled"
            )
            rows: list[PlanRecord]
            rows, total = paginate(u.session, query, page, PlanRecord.id.desc())
            u.audit.listed("plan_schedule", [r.id for r in rows], [patient_id])
            items = [_schedule(u.session, r) for r in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def schedules(self, patient_id: int) -> list[PlanSchedule]:
        """Every schedule :meth:`schedule_page` lists."""
        return every_item(lambda page: self.schedule_page(patient_id, page))

    def version(self, plan_id: int, version: int) -> TreatmentPlan:
        with self.reading(Permission.READ_CLINICAL) as u:
            record = get_plan(u.session, plan_id)
            row = u.session.scalar(
                select(PlanVersion).where(
                    PlanVersion.plan_id == plan_id, PlanVersion.version == version
                )
            )
            if row is None:
                raise NotFound("version", f"version of plan {plan_id}", version)
            u.audit.read("plan_version", row.id, record.patient_id)
            return row.plan

    def for_patient(self, patient_id: int) -> list[PlanOut]:
        """All the patient's plans, newest first."""
        return every_item(lambda page: self.plan_page(patient_id, PlanFilter(), page))

    def summaries(self, patient_id: int) -> list[PlanSummary]:
        """All the patient's plans, newest first, as the record lists them (the same read and
        audit event as :meth:`for_patient`, without loading each whole plan)."""
        with self.reading(Permission.READ_CLINICAL) as u:
            live_patient(u.session, patient_id)
            items = plan_summaries(u.session, patient_id)
            u.audit.listed("plan", [p.id for p in items], [patient_id])
            return items

    def plan_page(self, patient_id: int, where: PlanFilter, page: PageRequest) -> Page[PlanOut]:
        """One page of the patient's plans, newest first."""
        with self.reading(Permission.READ_CLINICAL) as u:
            live_patient(u.session, patient_id)
            query = select(PlanRecord).where(PlanRecord.patient_id == patient_id)
            if where.status is not None:
                query = query.where(PlanRecord.status == where.status)
            rows: list[PlanRecord]
            rows, total = paginate(u.session, query, page, PlanRecord.id.desc())
            u.audit.listed("plan", [r.id for r in rows], [patient_id])
            items = [self._out(u.session, r) for r in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def _out(self, session: Session, record: PlanRecord) -> PlanOut:
        versions = list(
            session.scalars(
                select(PlanVersion)
                .where(PlanVersion.plan_id == record.id)
                .order_by(PlanVersion.version)
            )
        )
        consents = session.scalars(
            select(PlanConsent).where(PlanConsent.plan_id == record.id).order_by(PlanConsent.id)
        )
        return PlanOut(
            id=record.id,
            patient_id=record.patient_id,
            screening_id=record.screening_id,
            status=record.status,
            current_version=record.current_version,
            created_at=record.created_at,
            plan=versions[-1].plan,
            versions=[
                VersionOut(
                    version=v.version,
                    created_at=v.created_at,
                    created_by=v.created_by,
                    ruleset_version=v.ruleset_version,
                    changes=v.changes,
                )
                for v in versions
            ],
            consents=[ConsentOut.model_validate(c) for c in consents],
        )


def _sessions_done(session: Session, plan: PlanRecord) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(TreatmentSession)
            .where(TreatmentSession.plan_id == plan.id, TreatmentSession.status == "completed")
        )
        or 0
    )


def _change_field(field: str, course: RequestedCourse, changes: list[Any]) -> str:
    """The request field (``changes.N.value``) behind a planner error on the re-planned course.

    The planner names the course's own fields (``areas.1.depth_mm``, ``sessions``); the
    practitioner sent a list of changes, so the error is moved to the change that set it.
    """
    parts = field.split(".")
    for i, change in enumerate(changes):
        if isinstance(change, AreaDepthChange | AreaPassesChange):
            if (
                len(parts) == 3
                and parts[0] == "areas"
                and parts[2] == change.change
                and parts[1].isdigit()
                and course.areas[int(parts[1])].site == change.site
            ):
                return f"changes.{i}.value"
        elif parts[0] == change.change:
            return f"changes.{i}.value"
    return field


def _screened_intake(session: Session, screening_id: int) -> Intake:
    """The intake version the plan's screening was made from."""
    screening = session.get(ScreeningRecord, screening_id)
    assert screening is not None
    intake = session.get(IntakeRecord, screening.intake_id)
    assert intake is not None
    return intake.answers
