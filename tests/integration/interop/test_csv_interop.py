"""CSV: tables in the clinic's zone; a patient CSV checked row by row (row, column, reason),
written only when confirmed and only when every row is good, all at once."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from clinic_support import Clock, Team
from microneedling.cli import app
from microneedling.clinic import Clinic
from microneedling.clinic.interop import InteropService
from microneedling.clinic.models import AuditEvent, Location, Patient
from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.patients import PatientIn
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.locations import LocationIn, LocationService
from microneedling.clinic.services.patients import PatientService

runner = CliRunner()
HEADER = "given_name,family_name,date_of_birth,sex,email,consent_photos\n"
GOOD = "Ada,Lovelace,1985-12-10,female,ada@example.org,yes\nAlan,Turing,1992-06-23,,,no\n"


def _patients(clinic: Clinic) -> int:
    with clinic.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(Patient)) or 0)


@pytest.fixture
def new_york(clinic: Clinic, clock: Clock) -> Clinic:
    """The same clinic on New York time (not UTC, so a zone mistake shows)."""
    settings = clinic.settings.model_copy(update={"timezone": "America/New_York"})
    # The clinic's one location was seeded from the UTC settings: it moves to New York too.
    with clinic.db.transaction() as session:
        session.execute(update(Location).values(timezone="America/New_York"))
    return Clinic(settings, clinic.db, clock=clock)


def test_schedule_csv_shows_clinic_time(new_york: Clinic, team: Team) -> None:
    patient = PatientService(new_york, team.front_desk).register(
        PatientIn(given_name="Rosa", family_name="Park", date_of_birth="1980-01-02")  # type: ignore[arg-type]
    )
    AppointmentService(new_york, team.front_desk).book(AppointmentIn.model_validate({
        "patient_id": patient.id, "practitioner_id": team.practitioner.staff_id,
        "room": "room-1", "kind": "consultation", "starts_at": "2027-03-01T10:00",
        "duration_minutes": 30}))  # fmt: skip
    text = InteropService(new_york, team.admin).export_csv("schedule")
    (row,) = list(csv.DictReader(io.StringIO(text)))
    assert row["starts_at"] == "2027-03-01T10:00-05:00"  # 15:00 UTC, shown as New York's 10:00
    assert row["practitioner"] == team.practitioner.username
    patients = list(csv.DictReader(io.StringIO(
        InteropService(new_york, team.admin).export_csv("patients"))))  # fmt: skip
    assert [(p["given_name"], p["date_of_birth"]) for p in patients] == [("Rosa", "1980-01-02")]


def test_schedule_csv_names_each_visits_location_and_shows_its_time(
    new_york: Clinic, team: Team
) -> None:
    harbour = LocationService(new_york, team.admin).create(
        LocationIn(name="Harbour", timezone="Europe/Lisbon", opening_hours="mon-fri 08:00-18:00",
                   rooms=["h-1"])
    )  # fmt: skip
    patient = PatientService(new_york, team.front_desk).register(
        PatientIn(given_name="Rosa", family_name="Park", date_of_birth="1980-01-02")  # type: ignore[arg-type]
    )
    for where, room, at in (
        (None, "room-1", "2027-03-01T10:00"),
        (harbour.id, "h-1", "2027-03-02T10:00"),
    ):
        AppointmentService(new_york, team.front_desk).book(AppointmentIn.model_validate({
            "patient_id": patient.id, "practitioner_id": team.practitioner.staff_id,
            "room": room, "kind": "consultation", "starts_at": at, "duration_minutes": 30,
            "location_id": where}))  # fmt: skip
    text = InteropService(new_york, team.admin).export_csv("schedule")
    rows = list(csv.DictReader(io.StringIO(text)))
    main = LocationService(new_york, team.admin).locations()[0].name
    assert [(r["starts_at"], r["room"], r["location"]) for r in rows] == [
        ("2027-03-01T10:00-05:00", "room-1", main),  # New York's wall clock
        ("2027-03-02T10:00+00:00", "h-1", "Harbour"),  # Lisbon's, in winter UTC+0
    ]


def test_front_desk_exports_no_clinical_table(clinic: Clinic, team: Team) -> None:
    from microneedling.clinic.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        InteropService(clinic, team.front_desk).export_csv("sessions")


def test_dry_run_lists_every_problem_and_changes_nothing(clinic: Clinic, team: Team) -> None:
    PatientService(clinic, team.front_desk).register(
        PatientIn(given_name="Ada", family_name="Lovelace", date_of_birth="1985-12-10")  # type: ignore[arg-type]
    )
    rows = (
        "Grace,Hopper,1896-12-09,female,grace@example.org,no\n"  # row 2: too old (>120 years)
        "Linus,,1969-12-28,male,,no\n"  # row 3: family name missing
        "Ken,Thompson,1943-02-30,male,,no\n"  # row 4: no such day
        "Barbara,Liskov,1939-11-07,female,not-an-email,no\n"  # row 5: email
        "Frances,Allen,1932-08-04,female,,maybe\n"  # row 6: consent neither yes nor no
        "Tim,Lee,2099-01-01,male,,no\n"  # row 7: born in the future (clinic's clock)
        "Ada,Lovelace,1985-12-10,female,,no\n"  # row 8: already registered
        "Tim,Berners,1955-06-08,male,,no\n"  # row 9: good
        "tim,berners,1955-06-08,,,\n"  # row 10: the same person as row 9
    )
    before = _patients(clinic)
    result = InteropService(clinic, team.admin).import_patients_csv(HEADER + rows, confirm=True)
    assert [(p.row, p.column) for p in result.problems] == [
        (2, "date_of_birth"), (3, "family_name"), (4, "date_of_birth"), (5, "email"),
        (6, "consent_photos"), (7, "date_of_birth"), (8, "given_name"), (10, "given_name"),
    ]  # fmt: skip
    assert all(p.reason for p in result.problems)
    assert result.written == []
    assert _patients(clinic) == before


def test_confirmed_csv_registers_every_row_at_once(clinic: Clinic, team: Team) -> None:
    service = InteropService(clinic, team.admin)
    dry = service.import_patients_csv(HEADER + GOOD, confirm=False)
    assert (dry.rows_ok, dry.problems, dry.written) == (2, [], [])
    assert _patients(clinic) == 0
    done = service.import_patients_csv(HEADER + GOOD, confirm=True)
    assert len(done.written) == 2
    with clinic.db.transaction() as session:
        ada = session.get(Patient, done.written[0])
        assert ada is not None
        assert (ada.family_name, ada.sex, ada.consent_photos) == ("Lovelace", "female", True)
        assert ada.consent_updated_at is not None  # consent given: dated, as at registration
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "create", AuditEvent.entity == "patient")
        )
        assert sorted(e.patient_id or 0 for e in events) == sorted(done.written)


def test_patient_csv_on_the_command_line(tmp_path: Path) -> None:
    from microneedling.cli.db import open_clinic
    from microneedling.clinic.roles import Role
    from microneedling.clinic.services.staff import StaffIn, create_staff

    data = tmp_path / "data"
    clinic = open_clinic(data)
    for username, role in (("boss", Role.ADMIN), ("desk", Role.FRONT_DESK)):
        create_staff(clinic, StaffIn(username=username, full_name="Some One", role=role,
                                     password="correct horse battery staple"))  # fmt: skip
    file = tmp_path / "patients.csv"
    file.write_text(HEADER + "Linus,,1969-12-28,male,,no\n" + GOOD, encoding="utf-8")
    args = ["import", "patients", str(file), "--as", "boss", "--data-dir", str(data)]
    refused = runner.invoke(app, [*args, "--confirm"])
    assert refused.exit_code == 2
    assert "patients.csv: row 2, column family_name: required" in refused.output
    assert "nothing registered" in refused.output
    assert _patients(clinic) == 0
    file.write_text(HEADER + GOOD, encoding="utf-8")
    dry = runner.invoke(app, args)
    assert dry.exit_code == 0, dry.output
    assert "Dry run: 2 patient(s)" in dry.output
    assert _patients(clinic) == 0
    done = runner.invoke(app, [*args, "--confirm"])
    assert "Registered 2 patient(s)" in done.output
    assert _patients(clinic) == 2
    desk = runner.invoke(app, ["import", "patients", str(file), "--as", "desk",
                               "--data-dir", str(data)])  # fmt: skip
    assert desk.exit_code == 2
    assert "may not import records" in desk.output
    out = tmp_path / "patients-out.csv"
    exported = runner.invoke(app, ["export", "csv", "patients", str(out), "--as", "desk",
                                   "--data-dir", str(data)])  # fmt: skip
    assert exported.exit_code == 2  # the front desk exports nothing: no export permission
    exported = runner.invoke(app, ["export", "csv", "patients", str(out), "--as", "boss",
                                   "--data-dir", str(data)])  # fmt: skip
    assert exported.exit_code == 0, exported.output
    assert len(list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))) == 2
    clinic.db.dispose()
