"""The record shows the patient's upcoming appointments to the front desk and to clinicians:
what, when in the clinic's zone, with whom, in which room, and a link to that calendar day;
read in the record page's one reading unit, so the page still audits one event."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import text

from microneedling.clinic.schemas.appointments import AppointmentIn, StatusIn
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.signin import SignIn
from microneedling.web.auth import SESSION_COOKIE

if TYPE_CHECKING:
    from clinic_support import ApiWorld

PASSWORD = "correct horse battery staple"


def _page(world: ApiWorld, username: str, path: str) -> str:
    issued = SignIn(world.clinic).login(username, PASSWORD, None, "cookie")
    with httpx.Client(base_url=world.client.base_url, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        response = client.get(path)
        response.raise_for_status()
        return " ".join(response.text.split())


def _upcoming_section(page: str) -> str:
    found = re.search(r'<section class="card" id="upcoming".*?</section>', page)
    assert found, "the record has no upcoming appointments section"
    return found.group(0)


def _audit_since(world: ApiWorld, last: int) -> list[Any]:
    with world.clinic.db.reading() as session:
        return list(
            session.execute(
                text("SELECT action, entity, patient_id, detail FROM audit_events WHERE id > :l"),
                {"l": last},
            )
        )


def _last_audit_id(world: ApiWorld) -> int:
    with world.clinic.db.reading() as session:
        return int(session.scalar(text("SELECT max(id) FROM audit_events")) or 0)


@pytest.fixture(scope="module")
def booked(api_world: ApiWorld) -> dict[str, int]:
    """Besides the world's follow-up (12:00 UTC today): a consultation with the medical
    director next week, and one more that is cancelled (never shown)."""
    desk = AppointmentService(api_world.clinic, api_world.team.front_desk)
    slot = {"patient_id": api_world.ids["patient"], "duration_minutes": 30,
            "kind": "consultation"}  # fmt: skip
    later = desk.book(
        AppointmentIn.model_validate(
            {**slot, "practitioner_id": api_world.team.medical_director.staff_id,
             "room": "room-2", "starts_at": "2027-03-08T15:30:00+00:00"}
        )
    )  # fmt: skip
    cancelled = desk.book(
        AppointmentIn.model_validate(
            {**slot, "practitioner_id": api_world.team.practitioner.staff_id,
             "room": "room-1", "starts_at": "2027-03-05T09:00:00+00:00"}
        )
    )  # fmt: skip
    desk.cancel(cancelled.id, StatusIn(reason="patient asked"))
    return {"later": later.id, "cancelled": cancelled.id}


@pytest.mark.parametrize("username", ["front-desk", "practitioner"])
def test_the_record_lists_upcoming_appointments_in_the_clinic_zone(
    api_world: ApiWorld, booked: dict[str, int], username: str
) -> None:
    clinic = api_world.clinic
    settings = clinic.settings
    # New York is five hours behind UTC on 1 March 2027 (summer time starts on 14 March).
    clinic.settings = settings.model_copy(update={"timezone": "America/New_York"})
    try:
        section = _upcoming_section(
            _page(api_world, username, f"/patients/{api_world.ids['patient']}")
        )
    finally:
        clinic.settings = settings
    follow_up = section.index("Mon 1 Mar 2027 07:00–08:00")
    consultation = section.index("Mon 8 Mar 2027 10:30–11:00")
    assert follow_up < consultation, "soonest first"
    assert "Follow-up visit" in section
    assert "Consultation" in section
    assert "with Petra Practitioner · room-2" in section
    assert "with Mona Director · room-2" in section
    assert '/calendar/day?day=2027-03-01">' in section
    assert '/calendar/day?day=2027-03-08">' in section
    # The session this morning has started, and the cancelled visit is not coming.
    assert "Microneedling session" not in section
    assert "Fri 5 Mar" not in section
    assert section.count('class="finding upcoming"') == 2


def test_the_front_desk_sees_the_appointments_but_nothing_clinical(
    api_world: ApiWorld, booked: dict[str, int]
) -> None:
    page = _page(api_world, "front-desk", f"/patients/{api_world.ids['patient']}")
    assert "Upcoming appointments" in page
    assert 'id="plans"' not in page
    assert 'id="outcomes"' not in page


def test_a_patient_with_nothing_booked_says_so(api_world: ApiWorld) -> None:
    page = _page(api_world, "front-desk", f"/patients/{api_world.ids['spare_patient']}")
    assert "No appointment booked." in _upcoming_section(page)


def test_the_appointments_are_part_of_the_one_audited_record_read(
    api_world: ApiWorld, booked: dict[str, int]
) -> None:
    patient = api_world.ids["patient"]
    _page(api_world, "practitioner", f"/patients/{patient}")  # the sign-in's own work first
    last = _last_audit_id(api_world)
    _page(api_world, "practitioner", f"/patients/{patient}")
    # Signing in is audited by itself; the page's reads are one event.
    rows = [r for r in _audit_since(api_world, last) if r.action != "login"]
    assert [(r.action, r.entity, r.patient_id) for r in rows] == [
        ("read", "patient_record", patient)
    ]
    detail = rows[0].detail if isinstance(rows[0].detail, dict) else json.loads(rows[0].detail)
    assert "appointment" in detail["parts"]
