"""The record page's plan list (a read model, one query) says what the whole plans say."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from microneedling.clinic import Clinic
from microneedling.clinic.models import AuditEvent
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.schemas.plans import PlanEdit, PlanIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Team


def test_summaries_equal_the_newest_version_of_each_plan_and_are_audited_alike(
    clinic: Clinic, team: Team, intake_answers: dict[str, Any], course: Any
) -> None:
    pid = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({"given_name": "Sum", "family_name": "Mary",
                                  "date_of_birth": "1980-02-02", "sex": "female"})
    ).id  # fmt: skip
    IntakeService(clinic, team.practitioner).record(
        pid, IntakeIn(answers=Intake.model_validate(intake_answers))
    )
    plans = PlanService(clinic, team.practitioner)
    first = plans.create(pid, PlanIn(course=RequestedCourse.model_validate(course("2027-03-01"))))
    plans.create(pid, PlanIn(course=RequestedCourse.model_validate(course("2027-05-03"))))
    # An edit makes a version 2 with another session count: the newest version is listed.
    plans.edit(first.id, PlanEdit.model_validate(
        {"changes": [{"change": "sessions", "value": 4, "reason": "practitioner"}]}
    ))  # fmt: skip

    whole = plans.for_patient(pid)
    summaries = plans.summaries(pid)

    assert [(s.id, s.status, s.current_version, s.area_names, s.session_count, s.first_session)
            for s in summaries] == [
        (p.id, p.status, p.current_version, [a.name for a in p.plan.areas],
         p.plan.session_count.value, p.plan.sessions[0].date)
        for p in whole
    ]  # fmt: skip
    assert [s.current_version for s in summaries] == [1, 2]
    assert summaries[1].session_count == 4
    with clinic.db.reading() as session:
        listed = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "plan", AuditEvent.patient_id == pid)
            .order_by(AuditEvent.id.desc()).limit(2)
        ).all()  # fmt: skip
    summary_event, whole_event = listed
    assert summary_event.action == whole_event.action == "list"
    assert summary_event.detail == whole_event.detail == {"ids": [s.id for s in summaries]}


def test_no_plan_no_summary(clinic: Clinic, team: Team) -> None:
    pid = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({"given_name": "No", "family_name": "Plan",
                                  "date_of_birth": "1990-01-01"})
    ).id  # fmt: skip
    assert PlanService(clinic, team.practitioner).summaries(pid) == []
