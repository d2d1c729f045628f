"""The worker as people run it: ``microneedling worker --once``, and beside the served app.

These use the system clock (the CLI and the served app have no test clock), so the appointment
is booked a few days from today; the clinic is in Europe/Berlin, mail goes to aiosmtpd."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import httpx
from typer.testing import CliRunner

from mail_server import MailServer
from microneedling.cli import app
from microneedling.clinic import Clinic, ClinicSettings
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.patients import PatientService

if TYPE_CHECKING:
    from clinic_support import Team


def _book_consultation(clinic: Clinic, team: Team) -> int:
    patient = PatientService(clinic, team.front_desk).register(
        PatientIn.model_validate({
            "given_name": "Ola", "family_name": "Online", "date_of_birth": "1990-09-09",
            "email": "ola@example.org", "consent_messages": True,
        })
    )  # fmt: skip
    day = clinic.today() + timedelta(days=3)
    return AppointmentService(clinic, team.front_desk).book(
        AppointmentIn(
            patient_id=patient.id, practitioner_id=team.practitioner.staff_id, room="room-1",
            kind="consultation", starts_at=datetime.fromisoformat(f"{day}T10:00"),
            duration_minutes=30,
        )
    ).id  # fmt: skip


def _env(settings: ClinicSettings) -> dict[str, str]:
    return {
        "MICRONEEDLING_ENVIRONMENT": "test",
        "MICRONEEDLING_SECRET_KEY": settings.secret_key.get_secret_value(),
        "MICRONEEDLING_DATA_DIR": str(settings.data_dir),
        "MICRONEEDLING_DATABASE_URL": str(settings.database_url),
        "MICRONEEDLING_TIMEZONE": settings.timezone,
        "MICRONEEDLING_OPENING_HOURS": settings.opening_hours,
        "MICRONEEDLING_SMTP_HOST": "127.0.0.1",
        "MICRONEEDLING_SMTP_PORT": str(settings.smtp_port),
        "MICRONEEDLING_SMTP_SECURITY": "none",
        "MICRONEEDLING_CLINIC_NAME": settings.clinic_name,
    }


def test_worker_once_sends_what_is_due_and_says_so(
    settings: ClinicSettings, team_now: Team, clinic_now: Clinic, mail: MailServer
) -> None:
    _book_consultation(clinic_now, team_now)
    runner = CliRunner()
    first = runner.invoke(app, ["worker", "--once"], env=_env(settings))
    assert first.exit_code == 0, first.output
    assert "sent 1" in first.output
    again = runner.invoke(app, ["worker", "--once"], env=_env(settings))
    assert "sent 0" in again.output
    assert mail.subjects() == [
        s for s in mail.subjects() if s.startswith("Your appointment at Riverside Skin Clinic")
    ]
    assert len(mail.messages) == 1
    bad = runner.invoke(app, ["worker", "--once", "--poll-seconds", "0"], env=_env(settings))
    assert bad.exit_code == 2


def test_the_served_app_runs_the_worker_beside_it(
    clinic_now: Clinic, team_now: Team, mail: MailServer,
    live_server: Callable[[object], str],
) -> None:  # fmt: skip
    from microneedling.web import create_app

    fast = Clinic(
        clinic_now.settings.model_copy(update={"worker_poll_seconds": 0.2}), clinic_now.db
    )
    base = live_server(create_app(clinic=fast, worker=True))
    _book_consultation(fast, team_now)
    deadline = time.monotonic() + 30
    while not mail.messages and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [str(m["To"]) for m in mail.messages] == ["ola@example.org"]
    # Pages still answer while the worker polls (httpx's 5 s default is too short for a shared,
    # loaded machine; the other live-server tests allow 30 s too).
    assert httpx.get(f"{base}/login", timeout=30).status_code == 200
