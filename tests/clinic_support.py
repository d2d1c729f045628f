"""Helpers the clinic and API tests import by name (a module of its own, because "conftest"
is not a unique module name once several test folders have one)."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from PIL import Image
from sqlalchemy import select, text

from microneedling.clinic import Actor, Clinic, Role
from microneedling.clinic.models import Base

#: Every test account's password.
PASSWORD = "correct horse battery staple"


# The patient of examples/plan-request.yaml: 42, Fitzpatrick III, cold sores in the past
# (eligible with precautions), cheeks and forehead.
INTAKE: dict[str, object] = {
    "sex": "female",
    "pregnant": False,
    "breastfeeding": False,
    "fitzpatrick_type": 3,
    "areas": ["cheeks", "forehead"],
    "conditions": [{"code": "herpes_simplex", "current": False}],
    "medications": [],
    "procedures": [],
    "allergies": [],
    "skin_findings": [],
}


def course_request(start: object) -> dict[str, object]:
    """A course for the INTAKE patient starting on ``start`` (an ISO date)."""
    return {
        "areas": [
            {
                "site": "cheeks",
                "concerns": [
                    {"concern": "fine_lines", "severity": "moderate"},
                    {"concern": "acne_scars_rolling", "severity": "moderate"},
                ],
            },
            {"site": "forehead", "concerns": [{"concern": "wrinkles", "severity": "mild"}]},
        ],
        "device": "generic_pen_12",
        "cartridge": "12",
        "start_date": str(start),
        "contact": {"name": "Riverside Skin Clinic", "phone": "+44 20 7946 0018"},
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_uvicorn(app: object, port: int | None = None) -> tuple[str, Callable[[], None]]:
    """Serve an ASGI app with uvicorn in a thread on a loopback port (a free one unless
    given): (base URL, stop)."""
    import uvicorn

    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",  # type: ignore[arg-type]
                            lifespan="on", proxy_headers=False)  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return f"http://127.0.0.1:{port}", stop


class Clock:
    """The clinic's clock in tests: starts on a Monday morning and moves only when told."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> datetime:
        self.moment += timedelta(**delta)
        return self.moment

    def set(self, moment: datetime) -> None:
        self.moment = moment


@dataclass(frozen=True)
class Team:
    """One active account per role, all with the password :data:`PASSWORD`."""

    admin: Actor
    practitioner: Actor
    front_desk: Actor
    medical_director: Actor

    def by_role(self, role: Role) -> Actor:
        return {
            Role.ADMIN: self.admin,
            Role.PRACTITIONER: self.practitioner,
            Role.FRONT_DESK: self.front_desk,
            Role.MEDICAL_DIRECTOR: self.medical_director,
        }[role]


def jpeg_with_exif(width: int = 64, height: int = 48) -> bytes:
    """A small JPEG carrying EXIF camera and GPS tags (to prove they are stripped)."""
    image = Image.new("RGB", (width, height), (200, 150, 140))
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make
    exif[0x0110] = "Model 9"  # Model
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


@dataclass
class ApiWorld:
    """A clinic with one of everything, served in-process, for route-by-route tests."""

    client: httpx.Client
    app: object
    clinic: Clinic
    clock: Clock
    team: Team
    headers: dict[str, dict[str, str]]
    ids: dict[str, int]

    @contextmanager
    def browser(self, role: str) -> Iterator[tuple[httpx.Client, str]]:
        """The pages as ``role``'s account signed in by cookie: (client, its CSRF token)."""
        from microneedling.clinic.services.signin import SignIn
        from microneedling.web.auth import SESSION_COOKIE, csrf_token

        issued = SignIn(self.clinic).login(role.replace("_", "-"), PASSWORD, None, "cookie")
        with httpx.Client(base_url=self.client.base_url, timeout=60) as client:
            client.cookies.set(SESSION_COOKIE, issued.token)
            yield client, csrf_token(self.clinic, issued.token)


def table_rows(clinic: Clinic) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in primary-key order (to compare a database before and after)."""
    rows = {}
    with clinic.db.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(r) for r in conn.execute(query)]
        rows["alembic_version"] = [
            tuple(r) for r in conn.execute(text("SELECT * FROM alembic_version"))
        ]
    return rows


@contextmanager
def demo_clinic_at(root: Path, admin: str, full_name: str, **settings: Any) -> Iterator[Clinic]:
    """The demo clinic (patients at every stage of a course) in a zone far from UTC, with one
    more admin (``admin``, :data:`PASSWORD`); ``settings`` override the clinic's settings."""
    from microneedling.clinic import ClinicSettings
    from microneedling.clinic.demo import seed_demo
    from microneedling.clinic.services.staff import StaffIn, create_staff

    clinic = Clinic(
        ClinicSettings(
            environment="test",
            secret_key="demo-test-secret-" + "d" * 40,  # type: ignore[arg-type]
            data_dir=root,
            timezone="Pacific/Auckland",
            opening_hours="mon-sat 08:00-19:00",
            **settings,
        )
    )
    clinic.start()
    seed_demo(clinic)
    create_staff(clinic, StaffIn(username=admin, full_name=full_name, role=Role.ADMIN,
                                 password=PASSWORD))  # fmt: skip
    try:
        yield clinic
    finally:
        clinic.db.dispose()
