"""The whole series through the API over real HTTP, on SQLite and PostgreSQL.

Sign-in, patient, intake and screening, plan, consent, booking, a session with a cartridge
lot, the aftercare sheet, a follow-up with an outcome and a photo, and the audit trail that
recorded it all.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
from PIL import Image

if TYPE_CHECKING:
    from clinic_support import Clock

Course = Callable[[object], dict[str, object]]


def _ok(response: httpx.Response, status: int = 200) -> dict:  # type: ignore[type-arg]
    assert response.status_code == status, response.text
    return response.json()  # type: ignore[no-any-return]


def test_patient_to_outcome_over_http(
    live_api: httpx.Client,
    tokens: dict[str, dict[str, str]],
    clock: Clock,
    intake_answers: dict[str, object],
    course: Course,
    jpeg: Callable[..., bytes],
) -> None:
    admin, doc, desk = tokens["admin"], tokens["practitioner"], tokens["front_desk"]
    api = live_api

    device = _ok(
        api.post(
            "/api/devices",
            headers=admin,
            json={
                "device_type": "generic_pen_12",
                "serial_number": "PEN-0001",
                "label": "Pen, room 1",
            },
        ),
        201,
    )
    lot = _ok(
        api.post(
            "/api/lots",
            headers=admin,
            json={
                "lot_number": "C12-2027-01",
                "device_type": "generic_pen_12",
                "cartridge_id": "12",
                "needle_count": 12,
                "needle_length_mm": 2.5,
                "expires_on": "2028-01-31",
            },
        ),
        201,
    )
    me = _ok(api.get("/api/auth/me", headers=doc))
    assert me["role"] == "practitioner"

    patient = _ok(
        api.post(
            "/api/patients",
            headers=desk,
            json={
                "given_name": "Maria",
                "family_name": "Lopez",
                "date_of_birth": "1984-05-01",
                "sex": "female",
                "email": "maria@example.org",
                "phone": "+44 20 7946 0001",
                "consent_photos": True,
                "consent_messages": True,
            },
        ),
        201,
    )
    pid = patient["id"]

    screened = _ok(
        api.post(f"/api/patients/{pid}/intakes", headers=doc, json={"answers": intake_answers}), 201
    )
    result = screened["screening"]["result"]
    assert result["decision"] == "eligible_with_precautions"
    assert result["ruleset_version"]

    plan = _ok(
        api.post(f"/api/patients/{pid}/plans", headers=doc, json={"course": course("2027-03-01")}),
        201,
    )
    assert plan["plan"]["interval_weeks"]["value"] == 4
    plan = _ok(
        api.post(
            f"/api/plans/{plan['id']}/consents",
            headers=doc,
            json={"version": 1, "consented_by": "Maria Lopez", "method": "signature"},
        )
    )
    assert plan["status"] == "consented"

    session_slot = {
        "patient_id": pid,
        "practitioner_id": me["id"],
        "room": "room-1",
        "kind": "session",
        "plan_id": plan["id"],
        "duration_minutes": 60,
    }
    booked = _ok(
        api.post(
            "/api/appointments",
            headers=desk,
            json={**session_slot, "starts_at": "2027-03-01T10:00:00"},
        ),
        201,
    )
    too_soon = api.post(
        "/api/appointments", headers=desk, json={**session_slot, "starts_at": "2027-03-15T10:00:00"}
    )
    assert too_soon.status_code == 409
    assert "interval is 4 weeks" in too_soon.json()["detail"]
    _ok(
        api.post(
            "/api/appointments",
            headers=desk,
            json={**session_slot, "starts_at": "2027-03-29T10:00:00"},
        ),
        201,
    )

    clock.advance(hours=2, minutes=5)  # 10:05 on the day
    started = _ok(
        api.post(
            "/api/sessions",
            headers=doc,
            json={
                "appointment_id": booked["id"],
                "device_id": device["id"],
                "lot_id": lot["id"],
                "check": {
                    "new_medication": False,
                    "pregnant": False,
                    "cold_sore": False,
                    "breakout": False,
                },
                "anaesthetic_started_at": "2027-03-01T10:05:00Z",
            },
        ),
        201,
    )
    assert started["status"] == "in_progress"
    sid = started["id"]
    too_deep = api.post(
        f"/api/sessions/{sid}/areas",
        headers=doc,
        json={"site": "forehead", "depth_mm": 1.5, "passes": 2},
    )
    assert too_deep.status_code == 409
    assert "plan's depth" in too_deep.json()["detail"]
    _ok(
        api.post(
            f"/api/sessions/{sid}/areas",
            headers=doc,
            json={"site": "cheeks", "depth_mm": 1.5, "passes": 3},
        )
    )
    _ok(
        api.post(
            f"/api/sessions/{sid}/areas",
            headers=doc,
            json={"site": "forehead", "depth_mm": 0.75, "passes": 2},
        )
    )
    clock.advance(minutes=55)
    _ok(
        api.post(
            f"/api/sessions/{sid}/adverse-events",
            headers=doc,
            json={
                "kind": "bleeding",
                "severity": "mild",
                "noticed_at": "2027-03-01T10:50:00Z",
                "description": "Pinpoint bleeding on the cheeks, stopped with pressure.",
            },
        )
    )
    done = _ok(
        api.post(
            f"/api/sessions/{sid}/complete",
            headers=doc,
            json={
                "treatment_started_at": "2027-03-01T10:35:00Z",
                "treatment_ended_at": "2027-03-01T10:55:00Z",
                "end_point": "pinpoint_bleeding",
                "products_after": ["hyaluronic acid serum"],
                "aftercare_given": True,
            },
        )
    )
    assert done["status"] == "completed"
    assert [a["site"] for a in done["areas"]] == ["cheeks", "forehead"]
    sheet = _ok(api.get(f"/api/sessions/{sid}/aftercare", headers=doc))
    assert sheet["session_date"] == "2027-03-01"
    assert sheet["precautions"]  # the cold-sore history precaution is on the sheet
    assert _ok(api.get(f"/api/appointments/{booked['id']}", headers=desk))["status"] == "completed"

    follow = _ok(
        api.post(
            "/api/appointments",
            headers=desk,
            json={
                "patient_id": pid,
                "practitioner_id": me["id"],
                "room": "room-2",
                "kind": "follow_up",
                "plan_id": plan["id"],
                "starts_at": "2027-04-12T09:00:00",
                "duration_minutes": 20,
            },
        ),
        201,
    )
    clock.set(clock.moment.replace(month=4, day=12, hour=9, minute=10))
    # Six weeks later yesterday's tokens have expired: sign in again.
    assert api.get("/api/auth/me", headers=doc).status_code == 401
    login = {"username": "practitioner", "password": "correct horse battery staple"}
    doc = {"Authorization": f"Bearer {_ok(api.post('/api/auth/token', json=login))['token']}"}
    login = {"username": "admin", "password": "correct horse battery staple"}
    admin = {"Authorization": f"Bearer {_ok(api.post('/api/auth/token', json=login))['token']}"}
    outcome = _ok(
        api.post(
            f"/api/patients/{pid}/outcomes",
            headers=doc,
            json={
                "plan_id": plan["id"],
                "appointment_id": follow["id"],
                "assessed_on": "2027-04-12",
                "concern": "fine_lines",
                "clinician_score": 2.0,
                "patient_satisfaction": 8,
            },
        ),
        201,
    )
    assert outcome["scale"] == "Lemperle wrinkle assessment scale"
    photo = _ok(
        api.post(
            f"/api/patients/{pid}/photos",
            headers=doc,
            data={"stage": "follow_up", "site": "cheeks", "outcome_id": str(outcome["id"])},
            files={"file": ("cheeks.jpg", jpeg(), "image/jpeg")},
        ),
        201,
    )
    stored = api.get(f"/api/photos/{photo['id']}/file", headers=doc)
    assert stored.status_code == 200
    assert hashlib.sha256(stored.content).hexdigest() == photo["sha256"]
    with Image.open(io.BytesIO(stored.content)) as image:
        assert not image.getexif()  # camera and GPS tags are gone
        assert image.size == (64, 48)

    trail = _ok(api.get("/api/audit", headers=admin, params={"patient_id": pid, "limit": 200}))
    actions = {(e["action"], e["entity"]) for e in trail["items"]}
    assert {("create", "patient"), ("create", "intake"), ("consent", "plan"),
            ("create", "treatment_session"), ("complete", "treatment_session"),
            ("read", "photo"), ("create", "outcome")} <= actions  # fmt: skip
    assert {e["client_ip"] for e in trail["items"]} == {"127.0.0.1"}
    assert {e["username"] for e in trail["items"]} == {"practitioner", "front-desk"}
