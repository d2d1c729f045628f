"""Shared fixtures: clinic databases on both backends, clinics, staff, live servers.

PostgreSQL: ``TEST_POSTGRES_URL`` (or a PostgreSQL ``DATABASE_URL``) names a server to use;
otherwise one is started from Debian's binaries (/usr/lib/postgresql/*/bin) on a free loopback
port, in a temporary directory owned by the ``postgres`` user, and stopped after the run. When
the binaries are missing the PostgreSQL tests fail under CI=true (``make test`` installs the
package) and are skipped elsewhere.
"""

from __future__ import annotations

import functools
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from clinic_support import (
    INTAKE,
    PASSWORD,
    ApiWorld,
    Clock,
    Team,
    course_request,
    jpeg_with_exif,
    start_uvicorn,
)
from microneedling.clinic import Actor, Clinic, ClinicSettings, Database, Role
from microneedling.clinic.models import StaffMember
from microneedling.clinic.services.passwords import hash_password
from pg_cluster import postgres_bindir, start_postgres

TEST_SECRET = "test-secret-" + "x" * 40


def _external_postgres_url() -> str | None:
    url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL")
    if url and make_url(url).get_backend_name() == "postgresql":
        return url
    return None


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Admin URL of a PostgreSQL server (``.../postgres`` database)."""
    external = _external_postgres_url()
    if external:
        yield external
        return
    bindir = postgres_bindir()
    if bindir is None:
        message = (
            "PostgreSQL binaries not found in /usr/lib/postgresql/*/bin: install the Debian "
            "package 'postgresql' (make test does) or set TEST_POSTGRES_URL"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    server = start_postgres(bindir)
    try:
        yield server.url()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_template(postgres_server: str) -> str:
    """A database migrated once; each test copies it (CREATE DATABASE ... TEMPLATE)."""
    name = f"mn_template_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    db.migrate()
    db.dispose()
    return name


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "clinic.sqlite3"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()
    return path


def _fresh_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    server: str = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("postgres_template")
    name = f"mn_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a freshly migrated, empty clinic database on each backend."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "clinic.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
    else:
        yield from _fresh_postgres(request)


def clinic_test_settings(data_dir: Path, db_url: str) -> ClinicSettings:
    return ClinicSettings(
        environment="test",
        secret_key=TEST_SECRET,  # type: ignore[arg-type]
        data_dir=data_dir,
        database_url=db_url,
        opening_hours="mon-sun 07:00-21:00",
        rooms=["room-1", "room-2"],
    )


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> ClinicSettings:
    return clinic_test_settings(tmp_path / "data", db_url)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))


@pytest.fixture
def clinic(settings: ClinicSettings, clock: Clock) -> Iterator[Clinic]:
    clinic = Clinic(settings, clock=clock)
    clinic.start()
    yield clinic
    clinic.db.dispose()


@functools.cache
def _password_hash() -> str:
    # Hashed once per run: Argon2 is slow on purpose, and tests make many accounts.
    return hash_password(PASSWORD)


def make_team(clinic: Clinic) -> Team:
    actors = {}
    with clinic.db.transaction() as session:
        for role, name in (
            (Role.ADMIN, "Ada Admin"),
            (Role.PRACTITIONER, "Petra Practitioner"),
            (Role.FRONT_DESK, "Frank Frontdesk"),
            (Role.MEDICAL_DIRECTOR, "Mona Director"),
        ):
            member = StaffMember(
                username=role.value.replace("_", "-"), full_name=name, role=role.value,
                password_hash=_password_hash(), active=True,
            )  # fmt: skip
            session.add(member)
            session.flush()
            actors[role] = Actor(member.id, member.username, role, "127.0.0.1")
    return Team(
        actors[Role.ADMIN],
        actors[Role.PRACTITIONER],
        actors[Role.FRONT_DESK],
        actors[Role.MEDICAL_DIRECTOR],
    )


@pytest.fixture
def team(clinic: Clinic) -> Team:
    return make_team(clinic)


@pytest.fixture
def live_server() -> Iterator[Callable[[object], str]]:
    """Start ASGI apps under uvicorn on free loopback ports; returns their base URLs."""
    stops: list[Callable[[], None]] = []

    def start(app: object) -> str:
        url, stop = start_uvicorn(app)
        stops.append(stop)
        return url

    yield start
    for stop in stops:
        stop()


@pytest.fixture
def intake_answers() -> dict[str, object]:
    return dict(INTAKE)


@pytest.fixture
def course() -> Callable[[object], dict[str, object]]:
    return course_request


@pytest.fixture
def live_api(
    clinic: Clinic, team: Team, live_server: Callable[[object], str]
) -> Iterator[httpx.Client]:
    """An httpx client against the clinic app served by uvicorn on loopback."""
    from microneedling.web import create_app

    base = live_server(create_app(clinic=clinic))
    with httpx.Client(base_url=base, timeout=30) as client:
        yield client


@pytest.fixture
def tokens(live_api: httpx.Client) -> dict[str, dict[str, str]]:
    """Authorization headers per role, signed in through the API."""
    headers = {}
    for role in ("admin", "practitioner", "front_desk", "medical_director"):
        response = live_api.post(
            "/api/auth/token",
            json={"username": role.replace("_", "-"), "password": PASSWORD},
        )
        response.raise_for_status()
        headers[role] = {"Authorization": f"Bearer {response.json()['token']}"}
    return headers


@pytest.fixture
def jpeg() -> Callable[..., bytes]:
    return jpeg_with_exif


def _build_records(clinic: Clinic, team: Team, clock: Clock) -> dict[str, int]:
    from microneedling.clinic.schemas.appointments import AppointmentIn
    from microneedling.clinic.schemas.intakes import IntakeIn
    from microneedling.clinic.schemas.patients import NoteIn, PatientIn
    from microneedling.clinic.schemas.plans import ConsentIn, PlanIn
    from microneedling.clinic.schemas.pre_treatment_check import PreTreatmentCheck
    from microneedling.clinic.schemas.treatments import AreaIn, SessionStart
    from microneedling.clinic.services.appointments import AppointmentService
    from microneedling.clinic.services.devices import DeviceIn, DeviceService, LotIn
    from microneedling.clinic.services.intakes import IntakeService
    from microneedling.clinic.services.outcomes import OutcomeIn, OutcomeService, PhotoIn
    from microneedling.clinic.services.patients import PatientService
    from microneedling.clinic.services.plans import PlanService
    from microneedling.clinic.services.treatments import TreatmentService
    from microneedling.planning import RequestedCourse
    from microneedling.screening import Intake

    admin = DeviceService(clinic, team.admin)
    device = admin.register_device(
        DeviceIn(device_type="generic_pen_12", serial_number="PEN-W1", label="Pen")
    )
    lot_data = {"device_type": "generic_pen_12", "cartridge_id": "12", "needle_count": 12,
                "needle_length_mm": 2.5}  # fmt: skip
    lot = admin.register_lot(
        LotIn.model_validate({**lot_data, "lot_number": "W-LOT-1", "expires_on": "2028-01-01"})
    )
    spare_lot = admin.register_lot(
        LotIn.model_validate({**lot_data, "lot_number": "W-LOT-2", "expires_on": "2028-01-01"})
    )
    desk = PatientService(clinic, team.front_desk)
    patient = desk.register(
        PatientIn.model_validate({"given_name": "Wendy", "family_name": "World",
                                  "date_of_birth": "1984-05-01", "sex": "female",
                                  "consent_photos": True})
    )  # fmt: skip
    spare = desk.register(
        PatientIn.model_validate({"given_name": "Spare", "family_name": "Person",
                                  "date_of_birth": "1990-01-01"})
    )  # fmt: skip
    note = PatientService(clinic, team.practitioner).add_note(patient.id, NoteIn(text="Note."))
    IntakeService(clinic, team.practitioner).record(
        patient.id, IntakeIn(answers=Intake.model_validate(INTAKE))
    )
    plans = PlanService(clinic, team.practitioner)
    plan = plans.create(
        patient.id, PlanIn(course=RequestedCourse.model_validate(course_request("2027-03-01")))
    )
    plans.consent(plan.id, ConsentIn(version=1, consented_by="Wendy World", method="signature"))
    book = AppointmentService(clinic, team.front_desk)
    slot = {"patient_id": patient.id, "practitioner_id": team.practitioner.staff_id,
            "duration_minutes": 60}  # fmt: skip
    session_slot = book.book(
        AppointmentIn.model_validate({**slot, "room": "room-1", "kind": "session",
                                      "plan_id": plan.id, "starts_at": "2027-03-01T10:00"})
    )  # fmt: skip
    follow = book.book(
        AppointmentIn.model_validate({**slot, "room": "room-2", "kind": "follow_up",
                                      "starts_at": "2027-03-01T12:00"})
    )  # fmt: skip
    clock.advance(hours=2, minutes=5)
    check = PreTreatmentCheck(new_medication=False, pregnant=False, cold_sore=False, breakout=False)
    session = TreatmentService(clinic, team.practitioner).start(
        SessionStart(appointment_id=session_slot.id, device_id=device.id, lot_id=lot.id,
                     check=check)
    )  # fmt: skip
    TreatmentService(clinic, team.practitioner).record_area(
        session.id, AreaIn(site="cheeks", depth_mm=1.5, passes=3)
    )
    outcome = OutcomeService(clinic, team.practitioner).record(
        patient.id,
        OutcomeIn(plan_id=plan.id, assessed_on=clinic.today(), concern="fine_lines",
                  clinician_score=3.0)
    )  # fmt: skip
    photo = OutcomeService(clinic, team.practitioner).add_photo(
        patient.id, PhotoIn(stage="baseline", site="cheeks", view="front"), jpeg_with_exif()
    )
    return {
        "device": device.id, "lot": lot.id, "spare_lot": spare_lot.id, "patient": patient.id,
        "spare_patient": spare.id, "note": note.id, "plan": plan.id,
        "session_appointment": session_slot.id, "follow_up": follow.id, "session": session.id,
        "outcome": outcome.id, "photo": photo.id, "practitioner": team.practitioner.staff_id,
        "front_desk": team.front_desk.staff_id, "location": _default_location(clinic),
    }  # fmt: skip


def _default_location(clinic: Clinic) -> int:
    from microneedling.clinic.locations import default_place

    with clinic.db.reading() as session:
        return default_place(session).id


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def api_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiWorld]:
    """One clinic per test module and backend, with every kind of record, and a client."""
    from microneedling.web import create_app

    root = tmp_path_factory.mktemp("world")
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        shutil.copyfile(template, root / "clinic.sqlite3")
        urls: Iterator[str] = iter([f"sqlite:///{root / 'clinic.sqlite3'}"])
    else:
        urls = _fresh_postgres(request)
    url = next(urls)
    clock = Clock(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    clinic = Clinic(clinic_test_settings(root / "data", url), clock=clock)
    clinic.start()
    team = make_team(clinic)
    ids = _build_records(clinic, team, clock)
    app = create_app(clinic=clinic)
    base, stop = start_uvicorn(app)
    with httpx.Client(base_url=base, timeout=60) as client:
        headers = {}
        for role in ("admin", "practitioner", "front_desk", "medical_director"):
            response = client.post(
                "/api/auth/token",
                json={"username": role.replace("_", "-"), "password": PASSWORD},
            )
            headers[role] = {"Authorization": f"Bearer {response.json()['token']}"}
        yield ApiWorld(client, app, clinic, clock, team, headers, ids)
    stop()
    clinic.db.dispose()
    for _ in urls:  # drop the PostgreSQL database
        pass
