"""The outbox's rules without a browser: a moved appointment, consent withdrawn, idempotence."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from mail_server import MailServer
from messages_support import DOMAIN, book_session, consented_course, ics_of, register_patient
from microneedling.clinic import Clinic
from microneedling.clinic.messages import MessageWorker, sync_appointment_messages
from microneedling.clinic.models import Appointment, OutboxMessage
from microneedling.clinic.models.base import stamped_by
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.patients import PatientChange
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.waitlist import after_appointment_change

if TYPE_CHECKING:
    from clinic_support import Clock, Team


def _pending(clinic: Clinic) -> dict[str, datetime]:
    with clinic.db.transaction() as session:
        rows = session.scalars(
            select(OutboxMessage).where(OutboxMessage.state.in_(("scheduled", "failed")))
        ).all()
        return {m.dedupe_key: m.send_after for m in rows}


def test_a_moved_appointment_gets_an_update_and_its_reminders_move(
    clinic: Clinic, team: Team, clock: Clock, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    appointment_id = book_session(clinic, team, world, "2027-03-05T10:00")
    worker = MessageWorker(clinic)
    worker.run_once()
    moved_to = datetime(2027, 3, 8, 13, 0, tzinfo=UTC)  # 14:00 in Berlin
    with stamped_by(clinic.now), clinic.db.transaction() as session:
        appointment = session.get(Appointment, appointment_id)
        assert appointment is not None
        appointment.starts_at, appointment.ends_at = moved_to, moved_to + timedelta(hours=1)
        after_appointment_change(session, clinic, appointment, retimed=True)
    pending = _pending(clinic)
    reminders = {k: v for k, v in pending.items() if "reminder" in k}
    assert reminders == {
        f"appointment:{appointment_id}:r1:reminder-48h": moved_to - timedelta(hours=48),
        f"appointment:{appointment_id}:r1:reminder-24h": moved_to - timedelta(hours=24),
    }
    assert worker.run_once().sent == 2  # the update, and the pre-visit note's new dates
    notes = mail.find("Before your session")
    assert len(notes) == 2
    latest = notes[-1].get_body(("plain",))
    assert latest is not None
    assert "From Monday 1 March 2027" in latest.get_content()
    update = mail.find("Your appointment")[-1]
    assert "Monday 8 March 2027, 14:00 (Europe/Berlin)" in str(update["Subject"])
    event = ics_of(update).vevent
    assert event.uid.value == f"appointment-{appointment_id}@{DOMAIN}"
    assert int(event.sequence.value) == 1
    assert event.dtstart.value == moved_to


def test_a_patient_who_withdraws_consent_gets_nothing_more(
    clinic: Clinic, team: Team, clock: Clock, mail: MailServer,
    intake_answers: dict[str, object], course: object,
) -> None:  # fmt: skip
    world = consented_course(clinic, team, intake_answers, course)
    book_session(clinic, team, world, "2027-03-05T10:00")
    PatientService(clinic, team.front_desk).change(
        world.patient_id, PatientChange(consent_messages=False)
    )
    assert MessageWorker(clinic).run_once().cancelled == 2
    assert mail.messages == []
    silent = register_patient(clinic, team, "Quiet", None)
    AppointmentService(clinic, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": silent, "practitioner_id": team.practitioner.staff_id,
            "room": "room-2", "kind": "consultation", "starts_at": "2027-03-06T10:00",
            "duration_minutes": 30,
        })
    )  # fmt: skip
    with clinic.db.transaction() as session:
        assert not session.scalars(
            select(OutboxMessage).where(OutboxMessage.patient_id == silent)
        ).all()


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(
    hours=st.lists(st.integers(min_value=1, max_value=24 * 14), min_size=1, max_size=4),
    lead_days=st.integers(min_value=0, max_value=20),
    hour=st.integers(min_value=10, max_value=19),
    repeats=st.integers(min_value=1, max_value=3),
)
def test_scheduling_is_idempotent_and_nothing_before_the_visit_goes_after_it(
    clinic: Clinic, team: Team, hours: list[int], lead_days: int, hour: int, repeats: int
) -> None:
    configured = Clinic(
        clinic.settings.model_copy(update={"reminder_hours": sorted(set(hours), reverse=True)}),
        clinic.db, clock=clinic.now,
    )  # fmt: skip
    patient = register_patient(configured, team, "Prop", "prop@example.org")
    # Whole hours in the clinic's day (opening hours 07:00-21:00), from later today on.
    day = configured.today() + timedelta(days=lead_days)
    starts = datetime.combine(day, time(hour), configured.zone).astimezone(UTC)
    booked = AppointmentService(configured, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": patient, "practitioner_id": team.practitioner.staff_id,
            "room": "room-1", "kind": "follow_up", "starts_at": starts.isoformat(),
            "duration_minutes": 15,
        })
    )  # fmt: skip
    before = _pending(configured)
    with stamped_by(configured.now), configured.db.transaction() as session:
        appointment = session.get(Appointment, booked.id)
        assert appointment is not None
        for _ in range(repeats):
            sync_appointment_messages(session, configured, appointment)
    after = _pending(configured)
    assert after == before
    mine = {k: v for k, v in after.items() if k.startswith(f"appointment:{booked.id}:")}
    expected = {h for h in set(hours) if starts - timedelta(hours=h) > configured.now()}
    assert {k.rsplit("-", 1)[-1] for k in mine if "reminder" in k} == {f"{h}h" for h in expected}
    assert all(configured.now() <= at < starts for at in mine.values())
    AppointmentService(configured, team.front_desk).cancel(booked.id, _reason())
    assert not {k for k in _pending(configured) if k.startswith(f"appointment:{booked.id}:r0")}


def _reason() -> object:
    from microneedling.clinic.schemas.appointments import StatusIn

    return StatusIn(reason="property test")


def test_the_clinic_s_own_templates_replace_the_built_in_ones(
    clinic: Clinic, team: Team, clock: Clock, mail: MailServer, tmp_path: Path
) -> None:
    own = tmp_path / "templates"
    own.mkdir()
    (own / "booking_confirmation.txt").write_text(
        "Subject: Booked for {{ when }}\n\nSee you, {{ given_name }}!\n"
    )
    (own / "reminder.txt").write_text("Subject: Soon\n\n{{ no_such_variable }}\n")
    ours = Clinic(
        clinic.settings.model_copy(update={"message_templates_dir": own, "reminder_hours": [1]}),
        clinic.db, clock=clinic.now,
    )  # fmt: skip
    patient = register_patient(ours, team, "Tess", "tess@example.org")
    AppointmentService(ours, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": patient, "practitioner_id": team.practitioner.staff_id,
            "room": "room-1", "kind": "consultation", "starts_at": "2027-03-01T10:30",
            "duration_minutes": 30,
        })
    )  # fmt: skip
    assert MessageWorker(ours).run_once().sent == 1
    clock.advance(minutes=31)  # the reminder, an hour before 10:30 Berlin, is due
    assert MessageWorker(ours).run_once().failed == 1
    assert mail.subjects() == ["Booked for Monday 1 March 2027, 10:30 (Europe/Berlin)"]
    with ours.db.transaction() as session:
        failed = session.scalars(select(OutboxMessage).where(OutboxMessage.state == "failed")).one()
    assert failed.kind == "reminder"
    assert "reminder.txt" in (failed.last_error or "")
    assert "no_such_variable" in (failed.last_error or "")


def test_without_a_mail_server_messages_wait_in_the_outbox(
    clinic: Clinic, team: Team, mail: MailServer
) -> None:
    unset = Clinic(clinic.settings.model_copy(update={"smtp_host": None}), clinic.db,
                   clock=clinic.now)  # fmt: skip
    patient = register_patient(unset, team, "Wren", "wren@example.org")
    AppointmentService(unset, team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": patient, "practitioner_id": team.practitioner.staff_id,
            "room": "room-1", "kind": "consultation", "starts_at": "2027-03-01T11:00",
            "duration_minutes": 30,
        })
    )  # fmt: skip
    assert MessageWorker(unset).run_once() == MessageWorker(unset).run_once()
    with unset.db.transaction() as session:
        waiting = session.scalars(select(OutboxMessage)).one()
    assert (waiting.state, waiting.attempts) == ("scheduled", 0)
    assert MessageWorker(clinic).run_once().sent == 1  # once the server is set
    assert mail.subjects() == [s for s in mail.subjects() if "Your appointment" in s]
