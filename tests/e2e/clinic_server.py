"""The real clinic app for the browser tests: :func:`build` makes it (the e2e fixtures serve
it with uvicorn in a thread of the test process); by hand,
``python clinic_server.py PORT DATA_DIR SHIFT_S [TIMEZONE [OPENING_HOURS [walk]]]`` serves it.

A fresh SQLite clinic in DATA_DIR, migrated, with one account per role (password
:data:`PASSWORD`), served by uvicorn on 127.0.0.1:PORT until the process is stopped. Patients,
devices and lots are created by the tests themselves, through the pages. The clinic's clock runs
SHIFT_S seconds behind real time: the tests' own clock (``e2e_helpers.clinic_now``) uses the
same shift, so times typed into the pages and the server's "now" agree. TIMEZONE (default UTC)
and OPENING_HOURS (default every day, all day) let a test module run a clinic of its own kind;
``walk`` seeds the demo clinic and patient links first (``walk_seed.py``, for the page walk).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from walk_seed import seed_walk

from microneedling.clinic import Clinic, ClinicSettings, Role
from microneedling.clinic.services.staff import StaffIn, create_staff
from microneedling.web import create_app

PASSWORD = "correct horse battery staple"
SECRET = "e2e-secret-" + "s" * 40
STAFF = {
    "admin": ("Alex Admin", Role.ADMIN),
    "pia": ("Pia Practitioner", Role.PRACTITIONER),
    "frank": ("Frank Desk", Role.FRONT_DESK),
    "mona": ("Mona Director", Role.MEDICAL_DIRECTOR),
}


def build(
    port: int,
    data_dir: Path,
    shift_s: float,
    timezone: str = "UTC",
    opening_hours: str = "mon-sun 00:00-23:59",
    seed: str = "",
) -> tuple[Clinic, FastAPI]:
    """The clinic (started, seeded, with the accounts) and its app, to be served on PORT."""
    settings = ClinicSettings(
        environment="production",
        secret_key=SECRET,
        data_dir=data_dir,
        timezone=timezone,
        opening_hours=opening_hours,
    )
    shift = timedelta(seconds=shift_s)
    clinic = Clinic(settings, clock=lambda: datetime.now(UTC) - shift)
    clinic.start()
    if seed == "walk":
        seed_walk(clinic, data_dir, f"http://127.0.0.1:{port}")
    for username, (full_name, role) in STAFF.items():
        if seed == "walk":
            username = f"walk.{username}"  # the demo has its own "admin"
        create_staff(
            clinic, StaffIn(username=username, full_name=full_name, role=role, password=PASSWORD)
        )
    return clinic, create_app(clinic=clinic)


def main(port: int, data_dir: Path, shift_s: float, *rest: str) -> None:
    _, app = build(port, data_dir, shift_s, *rest)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]), float(sys.argv[3]), *sys.argv[4:7])
