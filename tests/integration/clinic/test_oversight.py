"""Medical-director oversight: good-faith examinations, plan approvals, chart reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from microneedling.clinic import Clinic, PermissionDenied
from microneedling.clinic.actor import Actor
from microneedling.clinic.models import AuditEvent
from microneedling.clinic.paging import PageRequest
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.intakes import IntakeIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.schemas.plans import ConsentIn, PlanEdit, PlanIn, SessionsChange
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import (
    AreaIn,
    SessionCompletion,
    SessionOut,
    SessionStart,
)
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.approvals import ApprovalService, DecisionIn
from microneedling.clinic.services.chart_reviews import (
    ChartReviewService,
    QueueFilter,
    ReviewIn,
    sampled,
)
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn
from microneedling.clinic.services.examinations import ExamIn, ExaminationService
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.errors import InvalidInput, RequestRefused
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Clock, Team

NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)


@dataclass
class Ward:
    patient_id: int
    device_id: int
    lot_id: int


def _ward(clinic: Clinic, team: Team, intake: dict[str, object]) -> Ward:
    admin = DeviceService(clinic, team.admin)
    device = admin.register_device(DeviceIn(device_type="generic_pen_12", serial_number="MD-1",
                                            label="Pen"))  # fmt: skip
    lot = admin.register_lot(
        LotIn.model_validate({"lot_number": "MD-LOT", "device_type": "generic_pen_12",
                              "cartridge_id": "12", "needle_count": 12, "needle_length_mm": 2.5,
                              "expires_on": "2028-01-01"})
    )  # fmt: skip
    patient = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({"given_name": "Gil", "family_name": "Good",
                                  "date_of_birth": "1980-02-02", "sex": "female"})
    )  # fmt: skip
    IntakeService(clinic, team.practitioner).record(
        patient.id, IntakeIn(answers=Intake.model_validate(intake))
    )
    return Ward(patient.id, device.id, lot.id)


def _plan(clinic: Clinic, author: Actor, ward: Ward, course: object) -> int:
    assert callable(course)
    plans = PlanService(clinic, author)
    plan = plans.create(
        ward.patient_id, PlanIn(course=RequestedCourse.model_validate(course("2027-03-01")))
    )
    plans.consent(plan.id, ConsentIn(version=1, consented_by="Gil Good", method="signature"))
    return plan.id


def _book(clinic: Clinic, team: Team, ward: Ward, plan_id: int, hour: int) -> int:
    return AppointmentService(clinic, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": ward.patient_id, "practitioner_id": team.practitioner.staff_id,
            "room": "room-1", "kind": "session", "plan_id": plan_id,
            "starts_at": f"2027-03-01T{hour:02d}:00", "duration_minutes": 60})
    ).id  # fmt: skip


def _start(clinic: Clinic, team: Team, ward: Ward, appointment_id: int) -> SessionOut:
    return TreatmentService(clinic, team.practitioner).start(
        SessionStart(appointment_id=appointment_id, device_id=ward.device_id,
                     lot_id=ward.lot_id, check=NO)
    )  # fmt: skip


def _require(clinic: Clinic, **settings: object) -> None:
    clinic.settings = clinic.settings.model_copy(update=settings)


def _audit(clinic: Clinic, action: str, entity: str) -> list[AuditEvent]:
    with clinic.db.transaction() as session:
        return list(session.scalars(
            select(AuditEvent).where(AuditEvent.action == action, AuditEvent.entity == entity)
        ))  # fmt: skip


def test_a_required_gfe_gates_every_session(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, object], course: object
) -> None:
    _require(clinic, require_gfe=True, gfe_valid_days=30)
    ward = _ward(clinic, team, intake_answers)
    plan_id = _plan(clinic, team.practitioner, ward, course)
    appointment = _book(clinic, team, ward, plan_id, 10)
    clock.advance(hours=2, minutes=5)
    with pytest.raises(RequestRefused, match="no good-faith examination") as caught:
        _start(clinic, team, ward, appointment)
    assert caught.value.field == "appointment_id"
    today = clinic.today()
    exam = ExamIn(examined_on=today, outcome="cleared")
    for actor in (team.practitioner, team.front_desk, team.admin):
        with pytest.raises(PermissionDenied):
            ExaminationService(clinic, actor).record(ward.patient_id, exam)
    director = ExaminationService(clinic, team.medical_director)
    with pytest.raises(InvalidInput, match="in the future") as future:
        director.record(ward.patient_id, ExamIn(examined_on=today + timedelta(days=1)))
    assert future.value.field == "examined_on"
    assert ExaminationService(clinic, team.practitioner).status(ward.patient_id).exams == []
    director.record(ward.patient_id, ExamIn(examined_on=today - timedelta(days=31)))
    with pytest.raises(RequestRefused, match="expired on 2027-02-28"):
        _start(clinic, team, ward, appointment)
    director.record(ward.patient_id, ExamIn(examined_on=today, outcome="not_cleared",
                                            note="Keloid history to assess first."))  # fmt: skip
    with pytest.raises(RequestRefused, match="did not clear treatment"):
        _start(clinic, team, ward, appointment)
    status = director.record(ward.patient_id, exam)
    assert status.valid
    assert status.valid_until == date(2027, 3, 31)
    assert status.exams[0].examiner_name == "Mona Director"
    assert _start(clinic, team, ward, appointment).status == "in_progress"
    assert len(_audit(clinic, "create", "good_faith_exam")) == 3


def test_gfe_not_required_by_default(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, object], course: object
) -> None:
    ward = _ward(clinic, team, intake_answers)
    plan_id = _plan(clinic, team.practitioner, ward, course)
    appointment = _book(clinic, team, ward, plan_id, 10)
    clock.advance(hours=2, minutes=5)
    assert _start(clinic, team, ward, appointment).status == "in_progress"
    assert ApprovalService(clinic, team.practitioner).status(plan_id).state == "pending"


def test_a_practitioners_plan_waits_for_the_medical_director(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, object], course: object
) -> None:
    _require(clinic, require_md_approval=True)
    ward = _ward(clinic, team, intake_answers)
    plan_id = _plan(clinic, team.practitioner, ward, course)
    appointment = _book(clinic, team, ward, plan_id, 10)
    clock.advance(hours=2, minutes=5)
    with pytest.raises(RequestRefused, match="waits for a medical director"):
        _start(clinic, team, ward, appointment)
    with pytest.raises(PermissionDenied):
        ApprovalService(clinic, team.practitioner).decide(
            plan_id, DecisionIn(version=1, decision="approved")
        )
    with pytest.raises(ValidationError) as no_reason:
        DecisionIn.model_validate({"version": 1, "decision": "rejected"})
    assert no_reason.value.errors()[0]["loc"] == ("reason",)
    director = ApprovalService(clinic, team.medical_director)
    with pytest.raises(RequestRefused) as stale:
        director.decide(plan_id, DecisionIn(version=2, decision="approved"))
    assert stale.value.field == "version"
    rejected = director.decide(
        plan_id, DecisionIn(version=1, decision="rejected", reason="Forehead too deep for her.")
    )
    assert rejected.state == "rejected"
    assert rejected.decisions[0].decided_by_name == "Mona Director"
    with pytest.raises(RequestRefused, match="rejected version 1"):
        _start(clinic, team, ward, appointment)
    with pytest.raises(RequestRefused, match="already rejected"):
        director.decide(plan_id, DecisionIn(version=1, decision="approved"))
    plans = PlanService(clinic, team.practitioner)
    plans.edit(plan_id, PlanEdit(changes=[SessionsChange(value=4, reason="One more session.")]))
    plans.consent(plan_id, ConsentIn(version=2, consented_by="Gil Good", method="signature"))
    assert director.status(plan_id).state == "pending"
    assert director.pending(PageRequest()).items[0].plan_id == plan_id
    assert director.decide(plan_id, DecisionIn(version=2, decision="approved")).state == "approved"
    assert director.pending(PageRequest()).total == 0
    assert _start(clinic, team, ward, appointment).status == "in_progress"
    assert [e.detail for e in _audit(clinic, "reject", "plan")] == [
        {"version": 1, "reason": "Forehead too deep for her."}
    ]
    assert len(_audit(clinic, "approve", "plan")) == 1


def test_a_rejected_plan_never_starts_and_a_directors_plan_needs_no_approval(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, object], course: object
) -> None:
    ward = _ward(clinic, team, intake_answers)
    plan_id = _plan(clinic, team.practitioner, ward, course)
    director = ApprovalService(clinic, team.medical_director)
    director.decide(plan_id, DecisionIn(version=1, decision="rejected", reason="No."))
    own = _plan(clinic, team.medical_director, ward, course)
    assert director.status(own).state == "not_needed"
    with pytest.raises(RequestRefused, match="needs no approval"):
        director.decide(own, DecisionIn(version=1, decision="approved"))
    first = _book(clinic, team, ward, plan_id, 10)
    second = _book(clinic, team, ward, own, 12)
    clock.advance(hours=2, minutes=5)
    with pytest.raises(RequestRefused, match="rejected"):  # even where approval is not required
        _start(clinic, team, ward, first)
    clock.advance(hours=2)
    assert _start(clinic, team, ward, second).status == "in_progress"


def test_sampling_is_deterministic_and_near_the_share() -> None:
    picks = [sampled(i, 0.25) for i in range(1, 4001)]
    assert picks == [sampled(i, 0.25) for i in range(1, 4001)]
    assert 0.22 < sum(picks) / len(picks) < 0.28
    assert all(sampled(i, 1.0) for i in range(1, 100))
    assert not any(sampled(i, 0.0) for i in range(1, 100))
    # A larger share keeps every session a smaller one picked.
    assert all(sampled(i, 0.5) for i in range(1, 4001) if sampled(i, 0.25))


def test_chart_review_queue_and_reviews(
    clinic: Clinic, team: Team, clock: Clock, intake_answers: dict[str, object], course: object
) -> None:
    _require(clinic, chart_review_share=1.0)
    ward = _ward(clinic, team, intake_answers)
    plan_id = _plan(clinic, team.practitioner, ward, course)
    appointment = _book(clinic, team, ward, plan_id, 10)
    clock.advance(hours=2, minutes=5)
    session = _start(clinic, team, ward, appointment)
    reviews = ChartReviewService(clinic, team.medical_director)
    with pytest.raises(RequestRefused, match="in_progress"):
        reviews.review(session.id, ReviewIn(finding="acceptable"))
    treatments = TreatmentService(clinic, team.practitioner)
    treatments.record_area(session.id, AreaIn(site="cheeks", depth_mm=1.5, passes=3))
    clock.advance(minutes=40)
    now = clinic.now()
    treatments.complete(session.id, SessionCompletion(
        treatment_started_at=now - timedelta(minutes=30), treatment_ended_at=now,
        end_point="pinpoint_bleeding"))  # fmt: skip
    assert [c.session_id for c in reviews.queue(QueueFilter(), PageRequest()).items] == [session.id]
    for actor in (team.practitioner, team.admin, team.front_desk):
        with pytest.raises(PermissionDenied):
            ChartReviewService(clinic, actor).review(session.id, ReviewIn(finding="acceptable"))
    with pytest.raises(ValidationError):
        ReviewIn.model_validate({"finding": "fine"})
    review = reviews.review(
        session.id, ReviewIn(finding="needs_follow_up", comment="Depth note missing.")
    )
    assert review.reviewer_name == "Mona Director"
    assert isinstance(review.reviewed_at, datetime)
    with pytest.raises(RequestRefused, match="already reviewed"):
        reviews.review(session.id, ReviewIn(finding="acceptable"))
    assert reviews.queue(QueueFilter(), PageRequest()).total == 0
    reviewed = reviews.queue(QueueFilter(state="reviewed"), PageRequest()).items
    assert reviewed[0].review == review
    assert ChartReviewService(clinic, team.practitioner).get(session.id) == review
    assert len(_audit(clinic, "review", "treatment_session")) == 1
    _require(clinic, chart_review_share=0.0)
    assert reviews.queue(QueueFilter(state="all"), PageRequest()).total == 0
