"""Every read is audited, reads do not wait for each other, and the trail survives kill -9.

Reads take no write lock: their audit events are committed by the clinic's audit queue (many
readers, one commit) before the service returns, so a response is never sent before its audit
row is committed.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import text

from microneedling.clinic import Clinic, PageRequest
from microneedling.clinic.audit_chain import verify_trail
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.audit_trail import AuditFilter, AuditService
from microneedling.clinic.services.intakes import IntakeService
from microneedling.clinic.services.outcomes import OutcomeService
from microneedling.clinic.services.patients import PatientService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.treatments import TreatmentService

if TYPE_CHECKING:
    from clinic_support import ApiWorld


def _events_after(clinic: Clinic, last: int) -> list[tuple[str, str, int | None]]:
    with clinic.db.reading() as session:
        rows = session.execute(
            text(
                "SELECT action, entity, patient_id FROM audit_events WHERE id > :last ORDER BY id"
            ),
            {"last": last},
        )
        return [(r.action, r.entity, r.patient_id) for r in rows]


def _last_id(clinic: Clinic) -> int:
    with clinic.db.reading() as session:
        return int(session.scalar(text("SELECT max(id) FROM audit_events")) or 0)


READS: list[tuple[str, Callable[[ApiWorld], Any], tuple[str, str]]] = [
    ("patient", lambda w: PatientService(w.clinic, w.team.practitioner).get(w.ids["patient"]),
     ("read", "patient")),
    ("notes", lambda w: PatientService(w.clinic, w.team.practitioner).notes(
        w.ids["patient"], PageRequest()), ("list", "clinical_note")),
    ("intake", lambda w: IntakeService(w.clinic, w.team.practitioner).current(w.ids["patient"]),
     ("read", "intake")),
    ("plan", lambda w: PlanService(w.clinic, w.team.practitioner).get(w.ids["plan"]),
     ("read", "plan")),
    ("session", lambda w: TreatmentService(w.clinic, w.team.practitioner).get(w.ids["session"]),
     ("read", "treatment_session")),
    ("photo", lambda w: OutcomeService(w.clinic, w.team.practitioner).photo_file(w.ids["photo"]),
     ("read", "photo")),
    ("appointment", lambda w: AppointmentService(w.clinic, w.team.front_desk).get(
        w.ids["follow_up"]), ("read", "appointment")),
]  # fmt: skip


@pytest.mark.parametrize(("what", "read", "expected"), READS, ids=[r[0] for r in READS])
def test_each_read_is_audited_before_it_returns(
    api_world: ApiWorld,
    what: str,
    read: Callable[[ApiWorld], Any],
    expected: tuple[str, str],
) -> None:
    last = _last_id(api_world.clinic)
    read(api_world)
    assert _events_after(api_world.clinic, last) == [(*expected, api_world.ids["patient"])]


def test_reading_the_audit_trail_is_audited(api_world: ApiWorld) -> None:
    last = _last_id(api_world.clinic)
    AuditService(api_world.clinic, api_world.team.admin).query(AuditFilter(), PageRequest())
    assert _events_after(api_world.clinic, last) == [("read", "audit_events", None)]


def test_concurrent_reads_are_each_audited_and_the_chain_holds(api_world: ApiWorld) -> None:
    clinic, patient = api_world.clinic, api_world.ids["patient"]
    last = _last_id(clinic)
    readers, each = 12, 10
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(each):
                PatientService(clinic, api_world.team.front_desk).get(patient)
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert _events_after(clinic, last) == [("read", "patient", patient)] * (readers * each)
    assert verify_trail(clinic).ok


# --- kill -9 of the real server -----------------------------------------------------------


def _serve(data_dir: Path, port: int, env: dict[str, str]) -> subprocess.Popen[str]:
    script = Path(sys.executable).parent / "microneedling"
    server = subprocess.Popen(
        [str(script), "serve", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, env=env,
        start_new_session=True,  # its own process group: kill -9 reaches all of it
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/openapi.json", timeout=5).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    os.killpg(server.pid, signal.SIGKILL)
    raise AssertionError("the server did not start")


@pytest.mark.slow
def test_every_acknowledged_read_survives_kill_9_of_the_server(tmp_path: Path) -> None:
    from clinic_support import free_port

    data_dir = tmp_path / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICRONEEDLING_")}
    env.pop("DATABASE_URL", None)
    env["MICRONEEDLING_ENVIRONMENT"] = "development"
    script = Path(sys.executable).parent / "microneedling"
    created = subprocess.run(
        [str(script), "db", "create-admin", "boss", "--data-dir", str(data_dir)],
        capture_output=True, text=True, env=env, check=True,
    )  # fmt: skip
    match = re.search(r"Password \(shown once\): (\S+)", created.stdout)
    assert match, created.stdout
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(data_dir, port, env)
    try:
        token = httpx.post(
            f"{base}/api/auth/token", json={"username": "boss", "password": match[1]}
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}"}
        patient = httpx.post(
            f"{base}/api/patients", headers=headers,
            json={"given_name": "Kira", "family_name": "Crash", "date_of_birth": "1985-05-05"},
        ).json()["id"]  # fmt: skip
        acknowledged = [0] * 6
        stop = threading.Event()

        def reader(slot: int) -> None:
            with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
                while not stop.is_set():
                    try:
                        if client.get(f"/api/patients/{patient}").status_code == 200:
                            acknowledged[slot] += 1
                    except httpx.TransportError:
                        return  # the server is gone: this read was never acknowledged

        threads = [threading.Thread(target=reader, args=(n,)) for n in range(len(acknowledged))]
        for thread in threads:
            thread.start()
        time.sleep(3)
        os.killpg(server.pid, signal.SIGKILL)  # mid-stream, requests in flight
        server.wait(timeout=30)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        assert sum(acknowledged) > 20  # the test did read under load
        server = _serve(data_dir, port, env)
        trail = httpx.get(
            f"{base}/api/audit", headers=headers,
            params={"patient_id": patient, "action": "read", "entity": "patient", "limit": 1},
        ).json()  # fmt: skip
        # Reads in flight at the kill may be audited without their response: at least as many.
        assert trail["total"] >= sum(acknowledged)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
    verified = subprocess.run(
        [str(script), "db", "verify-audit", "--data-dir", str(data_dir)],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert verified.returncode == 0, verified.stderr
    assert "OK:" in verified.stdout
