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
from dataclasses import dataclass
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
from world_records import build_records

TEST_SECRET = "test-secret-" + "x" * 40


def _external_postgres_url() -> str | None:
    url = os.environ.get("TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL")
    if url and make_url(url).get_backend_name() == "postgresql":
        return url
    return None


#: The two database backends every database fixture runs on.
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


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


def _copy_postgres(server: str, template: str) -> Iterator[str]:
    """URL of a new database copied from ``template``; dropped when the iterator ends."""
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


def _fresh_postgres(request: pytest.FixtureRequest) -> Iterator[str]:
    server: str = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("postgres_template")
    yield from _copy_postgres(server, template)


def _fresh_database(request: pytest.FixtureRequest, directory: Path) -> Iterator[str]:
    """A copy of the migrated template on the backend ``request.param`` names."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = directory / "clinic.sqlite3"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
    else:
        yield from _fresh_postgres(request)


@pytest.fixture(
    params=BACKENDS,
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a freshly migrated, empty clinic database on each backend."""
    yield from _fresh_database(request, tmp_path)


@pytest.fixture(
    scope="module",
    params=BACKENDS,
)
def module_db_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """URL of a freshly migrated clinic database on each backend for a module to seed once;
    its tests work on copies (:func:`db_copy`)."""
    yield from _fresh_database(request, tmp_path_factory.mktemp("module-db"))


@pytest.fixture
def db_copy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Copy a seeded database (no connections open to it) for this test: a SQLite file by
    copying it, a PostgreSQL one with CREATE DATABASE ... TEMPLATE; returns the copy's URL.
    Copies are dropped after the test."""
    drops: list[Iterator[str]] = []

    def copy(url: str) -> str:
        source = make_url(url).database
        assert source is not None
        if make_url(url).get_backend_name() == "sqlite":
            path = tmp_path / f"copy-{uuid.uuid4().hex[:8]}.sqlite3"
            shutil.copyfile(source, path)
            return f"sqlite:///{path}"
        copies = _copy_postgres(request.getfixturevalue("postgres_server"), source)
        drops.append(copies)
        return next(copies)

    yield copy
    for copies in drops:
        for _ in copies:  # runs the DROP DATABASE
            pass


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


@dataclass(frozen=True)
class WorldSeed:
    """A clinic with every kind of record and its team signed in, made once per backend and
    run: ``url`` is its database (a file, or a PostgreSQL template), ``root`` holds it and its
    data directory (photos), ``moment`` is its clock after the records were made."""

    url: str
    root: Path
    moment: datetime
    team: Team
    headers: dict[str, dict[str, str]]
    ids: dict[str, int]


def _seed_world(url: str, root: Path) -> WorldSeed:
    from microneedling.web import create_app

    clock = Clock(datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    clinic = Clinic(clinic_test_settings(root / "data", url), clock=clock)
    clinic.start()
    team = make_team(clinic)
    ids = build_records(clinic, team, clock)
    base, stop = start_uvicorn(create_app(clinic=clinic))
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            headers = {}
            for role in ("admin", "practitioner", "front_desk", "medical_director"):
                response = client.post(
                    "/api/auth/token",
                    json={"username": role.replace("_", "-"), "password": PASSWORD},
                )
                headers[role] = {"Authorization": f"Bearer {response.json()['token']}"}
    finally:
        stop()
        clinic.db.dispose()  # no connection may stay open to a PostgreSQL template
    return WorldSeed(url, root, clock(), team, headers, ids)


@pytest.fixture(scope="session")
def world_seed_sqlite(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> WorldSeed:
    root = tmp_path_factory.mktemp("world-seed")
    shutil.copyfile(sqlite_template, root / "clinic.sqlite3")
    return _seed_world(f"sqlite:///{root / 'clinic.sqlite3'}", root)


@pytest.fixture(scope="session")
def world_seed_postgresql(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorldSeed]:
    for url in _fresh_postgres(request):
        yield _seed_world(url, tmp_path_factory.mktemp("world-seed"))


@pytest.fixture(
    scope="module",
    params=BACKENDS,
)
def api_world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiWorld]:
    """One clinic per test module and backend, with every kind of record, and a client: a
    copy of the run's seeded clinic (its records and sign-ins are made once per backend, the
    sign-ins' Argon2 checks being slow on purpose), on its own clock."""
    from microneedling.web import create_app

    seed: WorldSeed = request.getfixturevalue(f"world_seed_{request.param}")
    root = tmp_path_factory.mktemp("world")
    shutil.copytree(seed.root / "data", root / "data")
    if request.param == "sqlite":
        shutil.copyfile(seed.root / "clinic.sqlite3", root / "clinic.sqlite3")
        urls: Iterator[str] = iter([f"sqlite:///{root / 'clinic.sqlite3'}"])
    else:
        template = make_url(seed.url).database
        assert template is not None
        urls = _copy_postgres(request.getfixturevalue("postgres_server"), template)
    url = next(urls)
    clock = Clock(seed.moment)
    clinic = Clinic(clinic_test_settings(root / "data", url), clock=clock)
    clinic.start()
    app = create_app(clinic=clinic)
    base, stop = start_uvicorn(app)
    with httpx.Client(base_url=base, timeout=60) as client:
        headers = {role: dict(header) for role, header in seed.headers.items()}
        yield ApiWorld(client, app, clinic, clock, seed.team, headers, dict(seed.ids))
    stop()
    clinic.db.dispose()
    for _ in urls:  # drop the PostgreSQL database
        pass
