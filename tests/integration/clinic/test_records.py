"""Patients, devices and lots, intakes with screening, plans with edits and consent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import func, select

from microneedling.clinic import Clinic, NotFound, PermissionDenied
from microneedling.clinic.models import AuditEvent, IntakeRecord, PlanVersion
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import (
    DeleteIn,
    NoteIn,
    PatientChange,
    PatientFilter,
    PatientIn,
)
from microneedling.clinic.schemas.plans import ConsentIn, PlanEdit, PlanIn
from microneedling.clinic.services.audit_trail import AuditFilter, AuditService
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Clock, Team

Course = Callable[[object], dict[str, object]]


def _patient(clinic: Clinic, team: Team, **extra: object) -> int:
    data = {"given_name": "Maria", "family_name": "Lopez", "date_of_birth": "1984-05-01"}
    data.update(extra)  # type: ignore[arg-type]
    return PatientService(clinic, team.front_desk).register(PatientIn.model_validate(data)).id


def _count(clinic: Clinic, model: type) -> int:
    with clinic.db.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model)) or 0


def test_patients_are_registered_found_changed_and_soft_deleted(clinic: Clinic, team: Team) -> None:
    pid = _patient(clinic, team, email="maria@example.org", sex="female")
    desk = PatientService(clinic, team.front_desk)
    assert desk.find(PatientFilter(name="lop"), PageRequest()).total == 1
    changed = desk.change(pid, PatientChange(phone="+44 20 7946 0000", consent_photos=True))
    assert changed.consent_photos
    assert changed.consent_updated_at is not None
    with pytest.raises(PermissionDenied):
        desk.delete(pid, DeleteIn(reason="asked to be forgotten"))
    PatientService(clinic, team.admin).delete(pid, DeleteIn(reason="duplicate record"))
    with pytest.raises(NotFound):
        desk.get(pid)
    assert desk.find(PatientFilter(name="lop"), PageRequest()).total == 0
    kept = PatientService(clinic, team.admin).find(
        PatientFilter(include_deleted=True), PageRequest()
    )
    assert kept.items[0].deleted_at is not None
    trail = AuditService(clinic, team.admin).query(AuditFilter(patient_id=pid), PageRequest())
    assert {"create", "update", "list", "delete"} <= {e.action for e in trail.items}


def test_records_and_their_audit_are_dated_by_the_clinic_clock(
    clinic: Clinic, team: Team, clock: Clock
) -> None:
    clock.set(datetime(2031, 6, 2, 9, 30, tzinfo=UTC))  # far from the machine's own clock
    desk = PatientService(clinic, team.front_desk)
    patient = desk.register(
        PatientIn(given_name="Tess", family_name="Tid", date_of_birth="1980-01-01")  # type: ignore[arg-type]
    )
    assert patient.created_at == clock()
    trail = AuditService(clinic, team.admin).query(
        AuditFilter(patient_id=patient.id), PageRequest()
    )
    assert [e.at for e in trail.items if e.action == "create"] == [clock()]
    with pytest.raises(PermissionDenied):
        PatientService(clinic, team.front_desk).notes(patient.id, PageRequest())
    denied = AuditService(clinic, team.admin).query(AuditFilter(action="denied"), PageRequest())
    assert {e.at for e in denied.items} == {clock()}


def test_front_desk_cannot_read_clinical_notes(clinic: Clinic, team: Team) -> None:
    pid = _patient(clinic, team)
    PatientService(clinic, team.practitioner).add_note(pid, NoteIn(text="Rolling scars, cheeks."))
    with pytest.raises(PermissionDenied):
        PatientService(clinic, team.front_desk).notes(pid, PageRequest())
    assert PatientService(clinic, team.practitioner).notes(pid, PageRequest()).total == 1


def test_lots_must_match_the_device_labelling(clinic: Clinic, team: Team) -> None:
    devices = DeviceService(clinic, team.admin)
    base = {"lot_number": "L-1", "device_type": "generic_pen_12", "cartridge_id": "12",
            "needle_count": 12, "needle_length_mm": 2.5, "expires_on": "2030-01-01"}  # fmt: skip
    for change, field in (
        ({"cartridge_id": "99"}, "cartridge_id"),
        ({"needle_count": 16}, "needle_count"),
        ({"needle_length_mm": 3.0}, "needle_length_mm"),
        ({"device_type": "dermaroller_mf8", "cartridge_id": None}, "needle_count"),
        ({"device_type": "no_such_pen"}, "device_type"),
    ):
        with pytest.raises(InvalidInput) as caught:
            devices.register_lot(LotIn.model_validate({**base, **change}))
        assert caught.value.field == field
    assert devices.register_lot(LotIn.model_validate(base)).usable
    with pytest.raises(InvalidInput, match="registered"):
        devices.register_lot(LotIn.model_validate(base))
    with pytest.raises(PermissionDenied):
        DeviceService(clinic, team.practitioner).register_device(
            DeviceIn(device_type="generic_pen_12", serial_number="SN-1", label="Pen 1")
        )
    expired = devices.register_lot(
        LotIn.model_validate({**base, "lot_number": "L-OLD", "expires_on": "2020-01-01"})
    )
    assert not expired.usable
    usable = DeviceService(clinic, team.front_desk).lots(PageRequest(), usable=True)
    assert [lot.lot_number for lot in usable.items] == ["L-1"]


def test_intakes_are_versioned_and_screened_with_the_ruleset(
    clinic: Clinic, team: Team, intake_answers: dict[str, object]
) -> None:
    pid = _patient(clinic, team, sex="female")
    service = IntakeService(clinic, team.practitioner)
    first = service.record(pid, IntakeIn(answers=Intake.model_validate(intake_answers)))
    assert first.screening.result.decision == "eligible_with_precautions"
    assert first.screening.result.ruleset_version == clinic.kb.ruleset_version
    assert first.intake.answers.date_of_birth == date(1984, 5, 1)  # from the patient record
    pregnant = {**intake_answers, "pregnant": True}
    second = service.record(pid, IntakeIn(answers=Intake.model_validate(pregnant)))
    assert second.intake.version == 2
    assert second.intake.supersedes_id == first.intake.id
    assert not second.screening.result.may_treat
    history = service.history(pid)
    assert [(i.version, i.current) for i in history] == [(2, True), (1, False)]
    assert history[1].answers.pregnant is False  # the old version is untouched
    with pytest.raises(PermissionDenied):
        IntakeService(clinic, team.front_desk).current(pid)
    future = {
        **intake_answers,
        "procedures": [{"kind": "chemical_peel", "performed_on": "2999-01-01"}],
    }
    with pytest.raises(InvalidInput, match="future"):
        service.record(pid, IntakeIn(answers=Intake.model_validate(future)))
    assert _count(clinic, IntakeRecord) == 2


def _planned(
    clinic: Clinic, team: Team, intake: dict[str, object], course: Course
) -> tuple[int, int]:
    pid = _patient(clinic, team, sex="female")
    IntakeService(clinic, team.practitioner).record(
        pid, IntakeIn(answers=Intake.model_validate(intake))
    )
    start = clinic.today() + timedelta(days=1)
    plan = PlanService(clinic, team.practitioner).create(
        pid, PlanIn(course=RequestedCourse.model_validate(course(start)))
    )
    return pid, plan.id


def test_plans_edit_within_limits_with_reasons_and_need_consent_again(
    clinic: Clinic, team: Team, intake_answers: dict[str, object], course: Course
) -> None:
    _, plan_id = _planned(clinic, team, intake_answers, course)
    plans = PlanService(clinic, team.practitioner)
    plan = plans.get(plan_id)
    assert plan.status == "draft"
    assert plan.plan.area("cheeks").depth.value_mm == 1.5
    consented = plans.consent(
        plan_id, ConsentIn(version=1, consented_by="Maria Lopez", method="signature")
    )
    assert consented.status == "consented"
    edit = {"changes": [{"change": "depth_mm", "site": "cheeks", "value": 1.0,
                         "reason": "first session: thin skin over the malar area"}]}  # fmt: skip
    edited = plans.edit(plan_id, PlanEdit.model_validate(edit))
    assert edited.current_version == 2
    assert edited.status == "draft"
    assert edited.plan.area("cheeks").depth.value_mm == 1.0
    assert edited.versions[1].changes[0]["reason"].startswith("first session")
    with pytest.raises(RequestRefused, match="current version 2"):
        plans.consent(plan_id, ConsentIn(version=1, consented_by="Maria Lopez", method="signature"))
    assert plans.version(plan_id, 1).area("cheeks").depth.value_mm == 1.5


def test_an_intake_older_than_the_clinics_limit_clears_nothing_until_renewed(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, object], course: Course
) -> None:
    clinic.settings = clinic.settings.model_copy(update={"intake_valid_days": 30})
    pid, plan_id = _planned(clinic, team, intake_answers, course)
    plans = PlanService(clinic, team.practitioner)
    consent = ConsentIn(version=1, consented_by="Maria Lopez", method="signature")
    clock.advance(days=31)
    with pytest.raises(
        RequestRefused, match="is 31 days old; this clinic asks for a new intake after 30 days"
    ) as refused:
        plans.consent(plan_id, consent)
    assert refused.value.field == "plan_id"
    request = PlanIn(
        course=RequestedCourse.model_validate(course(clinic.today() + timedelta(days=1)))
    )
    with pytest.raises(RequestRefused, match="31 days old") as refused:
        plans.create(pid, request)
    assert refused.value.field == "patient_id"
    assert plans.get(plan_id).status == "draft"
    IntakeService(clinic, team.practitioner).record(
        pid, IntakeIn(answers=Intake.model_validate(intake_answers))
    )
    assert plans.consent(plan_id, consent).status == "consented"
    # Unset, there is no limit.
    clinic.settings = clinic.settings.model_copy(update={"intake_valid_days": None})
    clock.advance(days=400)
    plans.create(
        pid,
        PlanIn(course=RequestedCourse.model_validate(course(clinic.today() + timedelta(days=1)))),
    )


def test_the_front_desk_books_from_a_plans_schedule_not_from_the_plan(
    clinic: Clinic, team: Team, intake_answers: dict[str, object], course: Course
) -> None:
    pid, plan_id = _planned(clinic, team, intake_answers, course)
    plan = PlanService(clinic, team.practitioner).get(plan_id).plan
    desk = PlanService(clinic, team.front_desk)
    with pytest.raises(PermissionDenied):
        desk.get(plan_id)
    schedule = desk.schedule(plan_id)
    assert (schedule.plan_id, schedule.patient_id, schedule.status) == (plan_id, pid, "draft")
    assert schedule.interval_weeks == plan.interval_weeks.value
    assert [(v.number, v.planned_on) for v in schedule.sessions] == [
        (s.number, s.date) for s in plan.sessions
    ]
    assert all(
        v.minutes >= s.duration.total_minutes
        for v, s in zip(schedule.sessions, plan.sessions, strict=True)
    )
    # Nothing clinical travels with it.
    assert set(schedule.model_dump()) == {
        "plan_id",
        "patient_id",
        "status",
        "interval_weeks",
        "sessions",
    }
    assert [s.plan_id for s in desk.schedules(pid)] == [plan_id]
    PlanService(clinic, team.practitioner).cancel(plan_id)
    assert desk.schedules(pid) == []
    trail = AuditService(clinic, team.admin).query(
        AuditFilter(patient_id=pid), PageRequest(limit=200)
    )
    assert any(e.entity == "plan_schedule" for e in trail.items)


def test_a_plan_edit_beyond_a_limit_is_refused_and_stores_nothing(
    clinic: Clinic, team: Team, intake_answers: dict[str, object], course: Course
) -> None:
    _, plan_id = _planned(clinic, team, intake_answers, course)
    before = _count(clinic, PlanVersion)
    audit_before = _count(clinic, AuditEvent)
    too_deep = {"changes": [{"change": "depth_mm", "site": "forehead", "value": 3.0,
                             "reason": "deep wrinkles"}]}  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        PlanService(clinic, team.practitioner).edit(plan_id, PlanEdit.model_validate(too_deep))
    assert caught.value.field == "changes.0.value"  # the change, not the planner's field
    unknown = {"changes": [{"change": "passes", "site": "neck", "value": 2, "reason": "x"}]}
    with pytest.raises(InvalidInput, match="does not treat"):
        PlanService(clinic, team.practitioner).edit(plan_id, PlanEdit.model_validate(unknown))
    assert _count(clinic, PlanVersion) == before
    assert _count(clinic, AuditEvent) == audit_before


def test_no_plan_for_a_patient_screening_does_not_clear(
    clinic: Clinic, team: Team, intake_answers: dict[str, object], course: Course
) -> None:
    with pytest.raises(RequestRefused, match=r"not_eligible|deferred"):
        _planned(clinic, team, {**intake_answers, "pregnant": True}, course)


def test_deleting_a_patient_frees_their_future_bookings(
    clinic: Clinic, team: Team, intake_answers: dict[str, object]
) -> None:
    from microneedling.clinic.schemas.appointments import AppointmentFilter, AppointmentIn
    from microneedling.clinic.services.appointments import AppointmentService

    pid = _patient(clinic, team)
    desk = AppointmentService(clinic, team.front_desk)
    booked = desk.book(
        AppointmentIn(patient_id=pid, practitioner_id=team.practitioner.staff_id,
                      room="room-1", kind="consultation", starts_at="2027-03-02T10:00",  # type: ignore[arg-type]
                      duration_minutes=30)
    )  # fmt: skip
    PatientService(clinic, team.admin).delete(pid, DeleteIn(reason="duplicate"))
    assert desk.find(AppointmentFilter(), PageRequest()).total == 0
    other = _patient(clinic, team, given_name="Nora")
    again = desk.book(
        AppointmentIn(patient_id=other, practitioner_id=team.practitioner.staff_id,
                      room="room-1", kind="consultation", starts_at="2027-03-02T10:00",  # type: ignore[arg-type]
                      duration_minutes=30)
    )  # fmt: skip
    assert again.starts_at == booked.starts_at
