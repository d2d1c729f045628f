"""Messages over a real SMTP server on loopback: confirmation with .ics, reminders, recall,
a server that is down, and nothing sent twice. The clinic's zone is Europe/Berlin."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING

import pytest
import vobject
from sqlalchemy import select

from mail_server import MailServer
from microneedling.clinic import Clinic, ClinicSettings
from microneedling.clinic.messages import MessageWorker
from microneedling.clinic.models import AuditEvent, OutboxMessage
from microneedling.clinic.services.appointments import AppointmentIn, AppointmentService, StatusIn
from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn
from microneedling.clinic.services.intakes import IntakeIn, IntakeService
from microneedling.clinic.services.patients import PatientIn, PatientService
from microneedling.clinic.services.plans import ConsentIn, PlanIn, PlanService
from microneedling.clinic.services.treatments import (
    AreaIn,
    PreTreatmentCheck,
    SessionCompletion,
    SessionStart,
    TreatmentService,
)
from microneedling.planning import RequestedCourse
from microneedling.screening import Intake

if TYPE_CHECKING:
    from clinic_support import Clock, Team

from clinic_support import free_port

DOMAIN = "riverside.example"
NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_clinic(settings: ClinicSettings, clock: Clock, mail: MailServer) -> Iterator[Clinic]:
    configured = settings.model_copy(
        update={
            "timezone": "Europe/Berlin", "smtp_host": "127.0.0.1", "smtp_port": mail.port,
            "smtp_security": "none", "calendar_domain": DOMAIN,
            "clinic_name": "Riverside Skin Clinic", "clinic_address": "1 River St",
            "mail_from": "desk@riverside.example", "message_retry_seconds": 60.0,
        }
    )  # fmt: skip
    clinic = Clinic(configured, clock=clock)
    clinic.start()
    yield clinic
    clinic.db.dispose()


@dataclass
class Course:
    patient_id: int
    plan_id: int
    device_id: int
    lot_id: int


def _course(clinic: Clinic, team: Team, intake: dict[str, object], course: object) -> Course:
    admin = DeviceService(clinic, team.admin)
    device = admin.register_device(
        DeviceIn(device_type="generic_pen_12", serial_number="PEN-M", label="Pen")
    )
    lot = admin.register_lot(
        LotIn(lot_number="M-1", device_type="generic_pen_12", cartridge_id="12",
              needle_count=12, needle_length_mm=1.0, expires_on="2029-01-01")  # type: ignore[arg-type]
    )  # fmt: skip
    patient = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({
            "given_name": "Mia", "family_name": "Mailer", "date_of_birth": "1981-04-04",
            "sex": "female", "email": "mia@example.org", "consent_messages": True,
        })
    )  # fmt: skip
    IntakeService(clinic, team.practitioner).record(
        patient.id, IntakeIn(answers=Intake.model_validate(intake))
    )
    assert callable(course)
    plans = PlanService(clinic, team.practitioner)
    plan = plans.create(
        patient.id, PlanIn(course=RequestedCourse.model_validate(course("2027-03-01")))
    )
    plans.consent(plan.id, ConsentIn(version=1, consented_by="Mia Mailer", method="signature"))
    return Course(patient.id, plan.id, device.id, lot.id)


def _book(clinic: Clinic, team: Team, course: Course, when: str) -> int:
    return AppointmentService(clinic, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": course.patient_id, "practitioner_id": team.practitioner.staff_id,
            "room": "room-1", "kind": "session", "plan_id": course.plan_id,
            "starts_at": when, "duration_minutes": 60,
        })
    ).id  # fmt: skip


def _ics(message: EmailMessage) -> vobject.base.Component:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    data = parts[0].get_payload(decode=True)
    assert isinstance(data, bytes)
    return vobject.readOne(data.decode())


def test_confirmation_and_reminders_arrive_with_the_appointment_as_ics(
    mail_clinic: Clinic, team: Team, clock: Clock, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = _course(mail_clinic, team, intake_answers, course)
    appointment_id = _book(mail_clinic, team, world, "2027-03-05T10:00")  # Berlin: 09:00 UTC
    worker = MessageWorker(mail_clinic)
    first = worker.run_once()
    assert first.sent == 2  # the confirmation and the pre-visit instructions (7 days ahead)
    confirmation = mail.find("Your appointment")[0]
    assert confirmation["To"] == "mia@example.org"
    body = confirmation.get_body(("plain",))
    assert body is not None
    assert "Friday 5 March 2027, 10:00 (Europe/Berlin)" in body.get_content()
    event = _ics(confirmation).vevent
    assert event.uid.value == f"appointment-{appointment_id}@{DOMAIN}"
    assert event.dtstart.value == datetime(2027, 3, 5, 9, 0, tzinfo=UTC)
    assert int(event.sequence.value) == 0
    pre_visit = mail.find("Before your session")[0].get_body(("plain",))
    assert pre_visit is not None
    assert "From Friday 26 February 2027" in pre_visit.get_content()
    assert "without makeup" in pre_visit.get_content()

    assert worker.run_once().sent == 0  # nothing twice
    clock.set(datetime(2027, 3, 3, 9, 30, tzinfo=UTC))  # 47.5 h before
    assert worker.run_once().sent == 1
    clock.set(datetime(2027, 3, 4, 9, 30, tzinfo=UTC))  # 23.5 h before
    assert worker.run_once().sent == 1
    reminders = mail.find("Reminder")
    assert len(reminders) == 2
    assert all("10:00 (Europe/Berlin)" in str(r["Subject"]) for r in reminders)
    with mail_clinic.db.transaction() as session:
        audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "send")).all()
    assert len(audited) == 4
    assert {a.username for a in audited} == {"worker"}


def test_a_cancelled_appointment_sends_a_cancellation_and_no_reminders(
    mail_clinic: Clinic, team: Team, clock: Clock, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = _course(mail_clinic, team, intake_answers, course)
    appointment_id = _book(mail_clinic, team, world, "2027-03-05T10:00")
    worker = MessageWorker(mail_clinic)
    worker.run_once()
    AppointmentService(mail_clinic, team.front_desk).cancel(appointment_id, StatusIn(reason="ill"))
    assert worker.run_once().sent == 1
    cancelled = mail.find("Cancelled")[0]
    calendar = _ics(cancelled)
    assert calendar.method.value == "CANCEL"
    assert calendar.vevent.uid.value == f"appointment-{appointment_id}@{DOMAIN}"
    assert calendar.vevent.status.value == "CANCELLED"
    assert int(calendar.vevent.sequence.value) == 1
    clock.set(datetime(2027, 3, 4, 9, 30, tzinfo=UTC))
    assert worker.run_once().sent == 0
    assert not mail.find("Reminder")
    with mail_clinic.db.transaction() as session:
        states = {m.kind: m.state for m in session.scalars(select(OutboxMessage))}
    assert states["reminder"] == "cancelled"


def test_the_worker_survives_a_server_that_is_down_and_sends_once_it_is_back(
    mail_clinic: Clinic, team: Team, clock: Clock, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    mail.stop()  # connection refused
    world = _course(mail_clinic, team, intake_answers, course)
    _book(mail_clinic, team, world, "2027-03-05T10:00")
    worker = MessageWorker(mail_clinic)
    down = worker.run_once()
    assert (down.sent, down.failed) == (0, 2)
    with mail_clinic.db.transaction() as session:
        failed = session.scalars(select(OutboxMessage).where(OutboxMessage.state == "failed")).all()
        assert {m.attempts for m in failed} == {1}
        assert all("127.0.0.1" in (m.last_error or "") for m in failed)
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "send_failed")).all()
    mail.start()
    assert worker.run_once().sent == 0  # the retry waits its backoff
    clock.advance(seconds=61)
    assert worker.run_once().sent == 2
    assert worker.run_once().sent == 0
    clock.advance(hours=1)
    assert worker.run_once().sent == 0
    assert len(mail.find("Your appointment")) == 1
    assert len(mail.find("Before your session")) == 1


def test_a_finished_course_gets_the_maintenance_recall_once(
    mail_clinic: Clinic, team: Team, clock: Clock, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = _course(mail_clinic, team, intake_answers, course)
    plan = PlanService(mail_clinic, team.practitioner).get(world.plan_id).plan
    day = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    treat = TreatmentService(mail_clinic, team.practitioner)
    for _ in range(plan.session_count.value):
        clock.set(day - timedelta(days=1))
        appointment_id = _book(mail_clinic, team, world, day.isoformat())
        clock.set(day + timedelta(minutes=5))
        sid = treat.start(SessionStart(appointment_id=appointment_id, device_id=world.device_id,
                                       lot_id=world.lot_id, check=NO)).id  # fmt: skip
        treat.record_area(sid, AreaIn(site="cheeks", depth_mm=1.0, passes=2))
        clock.advance(minutes=40)
        treat.complete(sid, SessionCompletion(treatment_started_at=day + timedelta(minutes=10),
                                              treatment_ended_at=day + timedelta(minutes=30),
                                              end_point="pinpoint_bleeding"))  # fmt: skip
        day += timedelta(weeks=plan.interval_weeks.value)
    last = day - timedelta(weeks=plan.interval_weeks.value)
    worker = MessageWorker(mail_clinic)
    worker.run_once()
    assert not mail.find("maintenance")
    months = plan.maintenance.interval_months.value
    clock.set(last + timedelta(days=30.5 * months - 14))
    assert worker.run_once().queued == 1
    recalls = mail.find("maintenance")
    assert len(recalls) == 1
    body = recalls[0].get_body(("plain",))
    assert body is not None
    assert "Dear Mia" in body.get_content()
    clock.advance(days=3)
    assert worker.run_once().queued == 0
    assert len(mail.find("maintenance")) == 1
