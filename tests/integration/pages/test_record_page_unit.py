"""The patient record page reads in one transaction and audits one event per patient.

Signed in by cookie against the real app under uvicorn; transactions are counted on the
engine itself (SQLAlchemy's ``begin`` event), rows in the audit table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import event, text

from microneedling.clinic.services.signin import SignIn
from microneedling.web.auth import SESSION_COOKIE

if TYPE_CHECKING:
    from clinic_support import ApiWorld

PASSWORD = "correct horse battery staple"


@pytest.fixture
def practitioner(api_world: ApiWorld) -> Iterator[httpx.Client]:
    issued = SignIn(api_world.clinic).login("practitioner", PASSWORD, None, "cookie")
    with httpx.Client(base_url=api_world.client.base_url, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        yield client


def _audit_after(api_world: ApiWorld, last: int) -> list[Any]:
    with api_world.clinic.db.reading() as session:
        return list(
            session.execute(
                text(
                    "SELECT action, entity, patient_id, detail FROM audit_events "
                    "WHERE id > :last ORDER BY id"
                ),
                {"last": last},
            )
        )


def _last_audit_id(api_world: ApiWorld) -> int:
    with api_world.clinic.db.reading() as session:
        return int(session.scalar(text("SELECT max(id) FROM audit_events")) or 0)


def test_the_record_page_is_one_read_and_one_audit_event(
    api_world: ApiWorld, practitioner: httpx.Client
) -> None:
    patient = api_world.ids["patient"]
    practitioner.get(f"/patients/{patient}")  # warm: the sign-in's own work is done once
    begins: list[str] = []

    def counted(connection: Any) -> None:
        begins.append("writing" if connection.get_execution_options() == {} else "reading")

    last = _last_audit_id(api_world)
    event.listen(api_world.clinic.db.engine, "begin", counted)
    try:
        page = practitioner.get(f"/patients/{patient}")
    finally:
        event.remove(api_world.clinic.db.engine, "begin", counted)
    assert page.status_code == 200
    assert "Clinical notes" in page.text or "Intake" in page.text
    # One transaction authenticates the cookie (and reads who is signed in, for the header),
    # before the page's own work, reading: no write lock; the page reads everything in one
    # more, and its audit event is committed in one writing transaction.
    assert sorted(begins) == ["reading", "reading", "writing"], begins
    rows = _audit_after(api_world, last)
    assert [(r.action, r.entity, r.patient_id) for r in rows] == [
        ("read", "patient_record", patient)
    ]
    detail = rows[0].detail if isinstance(rows[0].detail, dict) else json.loads(rows[0].detail)
    # What the page showed is named in the one event: the patient, notes, plans, sessions...
    assert {"patient", "clinical_note", "plan", "treatment_session", "outcome"} <= set(
        detail["parts"]
    )
    assert detail["parts"]["patient"] == [patient]
