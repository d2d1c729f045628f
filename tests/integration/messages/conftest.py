"""The message tests' clinic: Europe/Berlin, mailing to a real SMTP server on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from clinic_support import free_port
from mail_server import MailServer
from messages_support import DOMAIN
from microneedling.clinic import Actor, Clinic, ClinicSettings, Role
from microneedling.clinic.models import StaffMember

if TYPE_CHECKING:
    from clinic_support import Team


@pytest.fixture
def mail() -> Iterator[MailServer]:
    server = MailServer(free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path, db_url: str, mail: MailServer) -> ClinicSettings:
    return ClinicSettings(
        environment="test", secret_key="message-tests-secret-" + "y" * 40,  # type: ignore[arg-type]
        data_dir=tmp_path / "data", database_url=db_url, opening_hours="mon-sun 07:00-21:00",
        rooms=["room-1", "room-2"], timezone="Europe/Berlin", smtp_host="127.0.0.1",
        smtp_port=mail.port, smtp_security="none", calendar_domain=DOMAIN,
        clinic_name="Riverside Skin Clinic", clinic_address="1 River St",
        mail_from="desk@riverside.example", message_retry_seconds=60.0,
    )  # fmt: skip


@pytest.fixture
def clinic_now(settings: ClinicSettings) -> Iterator[Clinic]:
    """The clinic on the system clock, for the worker command and the served app."""
    clinic = Clinic(settings)
    clinic.start()
    yield clinic
    clinic.db.dispose()


@pytest.fixture
def team_now(clinic_now: Clinic) -> Team:
    """A front desk and a practitioner (no passwords: these tests call services directly)."""
    from clinic_support import Team

    actors = {}
    with clinic_now.db.transaction() as session:
        for role in (Role.ADMIN, Role.PRACTITIONER, Role.FRONT_DESK, Role.MEDICAL_DIRECTOR):
            member = StaffMember(
                username=role.value.replace("_", "-"), full_name=role.value.title(),
                role=role.value, password_hash="!", active=True,
            )  # fmt: skip
            session.add(member)
            session.flush()
            actors[role] = Actor(member.id, member.username, role, "127.0.0.1")
    return Team(
        actors[Role.ADMIN], actors[Role.PRACTITIONER], actors[Role.FRONT_DESK],
        actors[Role.MEDICAL_DIRECTOR],
    )  # fmt: skip
