"""Messages over a real SMTP server on loopback: confirmation with .ics, reminders, recall,
a server that is down, and nothing sent twice. The clinic's zone is Europe/Berlin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from mail_server import MailServer
from messages_support import DOMAIN, book_session, consented_course, ics_of
from microneedling.clinic import Clinic
from microneedling.clinic.messages import MessageWorker
from microneedling.clinic.models import AuditEvent, OutboxMessage
from microneedling.clinic.schemas.appointments import StatusIn
from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
from microneedling.clinic.schemas.treatments import AreaIn, SessionCompletion, SessionStart
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.patient_links import LinkIn, PatientLinkService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.treatments import TreatmentService

if TYPE_CHECKING:
    from clinic_support import Clock, Team


NO = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)


def test_confirmation_and_reminders_arrive_with_the_appointment_asics_of(
    clinic: Clinic, team: Team, clock: Clock, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    appointment_id = book_session(clinic, team, world, "2027-03-05T10:00")  # Berlin: 09:00 UTC
    worker = MessageWorker(clinic)
    first = worker.run_once()
    assert first.sent == 2  # the confirmation and the pre-visit instructions (7 days ahead)
    confirmation = mail.find("Your appointment")[0]
    assert confirmation["To"] == "mia@example.org"
    body = confirmation.get_body(("plain",))
    assert body is not None
    assert "Friday 5 March 2027, 10:00 (Europe/Berlin)" in body.get_content()
    event = ics_of(confirmation).vevent
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
    with clinic.db.transaction() as session:
        audited = session.scalars(select(AuditEvent).where(AuditEvent.action == "send")).all()
    assert len(audited) == 4
    assert {a.username for a in audited} == {"worker"}


def test_a_cancelled_appointment_sends_a_cancellation_and_no_reminders(
    clinic: Clinic, team: Team, clock: Clock, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    appointment_id = book_session(clinic, team, world, "2027-03-05T10:00")
    worker = MessageWorker(clinic)
    worker.run_once()
    AppointmentService(clinic, team.front_desk).cancel(appointment_id, StatusIn(reason="ill"))
    assert worker.run_once().sent == 1
    cancelled = mail.find("Cancelled")[0]
    calendar = ics_of(cancelled)
    assert calendar.method.value == "CANCEL"
    assert calendar.vevent.uid.value == f"appointment-{appointment_id}@{DOMAIN}"
    assert calendar.vevent.status.value == "CANCELLED"
    assert int(calendar.vevent.sequence.value) == 1
    clock.set(datetime(2027, 3, 4, 9, 30, tzinfo=UTC))
    assert worker.run_once().sent == 0
    assert not mail.find("Reminder")
    with clinic.db.transaction() as session:
        states = {m.kind: m.state for m in session.scalars(select(OutboxMessage))}
    assert states["reminder"] == "cancelled"


def test_the_worker_survives_a_server_that_is_down_and_sends_once_it_is_back(
    clinic: Clinic, team: Team, clock: Clock, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    mail.stop()  # connection refused
    world = consented_course(clinic, team, intake_answers, course)
    book_session(clinic, team, world, "2027-03-05T10:00")
    worker = MessageWorker(clinic)
    down = worker.run_once()
    assert (down.sent, down.failed) == (0, 2)
    with clinic.db.transaction() as session:
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
    clinic: Clinic, team: Team, clock: Clock, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    plan = PlanService(clinic, team.practitioner).get(world.plan_id).plan
    day = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
    treat = TreatmentService(clinic, team.practitioner)
    for _ in range(plan.session_count.value):
        clock.set(day - timedelta(days=1))
        appointment_id = book_session(clinic, team, world, day.isoformat())
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
    worker = MessageWorker(clinic)
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


def test_a_patient_link_is_mailed_once_and_the_outbox_keeps_no_copy_of_it(
    clinic: Clinic, team: Team, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    links = PatientLinkService(clinic, team.front_desk)
    issued = links.issue(
        world.patient_id, LinkIn(scope="intake", send_by_email=True), "http://clinic.test/"
    )
    assert issued.emailed
    quiet = links.issue(world.patient_id, LinkIn(scope="patient_page"), "http://clinic.test/")
    assert not quiet.emailed
    assert MessageWorker(clinic).run_once().sent >= 1
    (message,) = mail.find("Your link")
    body = message.get_body(("plain",))
    assert body is not None
    assert issued.url in body.get_content()
    assert "(Europe/Berlin)" in body.get_content()
    assert quiet.url not in body.get_content()
    with clinic.db.transaction() as session:
        stored = session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "patient_link")
        ).one()
        assert stored.state == "sent"
        assert issued.url not in str(stored.context)
