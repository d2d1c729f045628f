"""Run the real clinic app for the browser tests: ``python clinic_server.py PORT DATA_DIR``.

A fresh SQLite clinic in DATA_DIR, migrated, with one account per role (password
:data:`PASSWORD`), served by uvicorn on 127.0.0.1:PORT until the process is stopped. Patients,
devices and lots are created by the tests themselves, through the pages.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import uvicorn

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


#: Latest local time of day the browser tests start at: a series booked "later today" with
#: hour-long visits must still end before midnight, whatever hour the suite runs.
LATEST_START = time(20, 0)


def evening_safe_clock(zone: ZoneInfo) -> Callable[[], datetime]:
    """Real time, shifted back (same date) when the run starts after :data:`LATEST_START`."""
    local = datetime.now(zone)
    latest = datetime.combine(local.date(), LATEST_START, tzinfo=zone)
    shift = max(local - latest, timedelta(0))
    return lambda: datetime.now(UTC) - shift


def main(port: int, data_dir: Path) -> None:
    settings = ClinicSettings(
        environment="production",
        secret_key=SECRET,
        data_dir=data_dir,
        opening_hours="mon-sun 00:00-23:59",
    )
    clinic = Clinic(settings, clock=evening_safe_clock(ZoneInfo(settings.timezone)))
    clinic.start()
    for username, (full_name, role) in STAFF.items():
        create_staff(
            clinic, StaffIn(username=username, full_name=full_name, role=role, password=PASSWORD)
        )
    app = create_app(clinic=clinic)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
