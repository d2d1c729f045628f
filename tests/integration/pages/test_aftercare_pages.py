"""The aftercare sheet as pages: the staff printout of a completed session and the patient's
own page read period by period, each instruction once, the last period closed by the next
session actually booked."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import httpx
import pytest

from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.schemas.treatments import SessionCompletion
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.patient_links import LinkIn, PatientLinkService
from microneedling.clinic.services.plans import PlanService
from microneedling.clinic.services.signin import SignIn
from microneedling.clinic.services.treatments import TreatmentService
from microneedling.reports.words import day_date
from microneedling.web.auth import SESSION_COOKIE

if TYPE_CHECKING:
    from clinic_support import ApiWorld

PASSWORD = "correct horse battery staple"
WEEK_LONG = "No retinoids (retinol, tretinoin), acids (glycolic, salicylic)"


@pytest.fixture(scope="module")
def completed(api_world: ApiWorld) -> tuple[date, date]:
    """The world's session completed (its sheet written) and the plan's next session booked;
    returns (treatment day, next session day)."""
    world, clinic = api_world, api_world.clinic
    TreatmentService(clinic, world.team.practitioner).complete(
        world.ids["session"],
        SessionCompletion(
            treatment_started_at=clinic.now() - timedelta(minutes=30),
            treatment_ended_at=clinic.now() - timedelta(minutes=5),
            end_point="uniform_erythema",
        ),
    )
    plan = PlanService(clinic, world.team.practitioner).get(world.ids["plan"]).plan
    treated = clinic.today()
    following = treated + timedelta(weeks=plan.interval_weeks.value)
    AppointmentService(clinic, world.team.front_desk).book(
        AppointmentIn.model_validate(
            {"patient_id": world.ids["patient"], "practitioner_id": world.ids["practitioner"],
             "room": "room-1", "kind": "session", "plan_id": world.ids["plan"],
             "starts_at": datetime.combine(following, datetime.min.time()).replace(hour=10),
             "duration_minutes": 60}
        )
    )  # fmt: skip
    return treated, following


def _flat(html: str) -> str:
    return " ".join(html.split())


def _checks(page: str, treated: date, following: date) -> None:
    assert page.count(WEEK_LONG) == 1, "a week-long instruction is printed once"
    assert "No longer applies" in page
    assert f"From {day_date(treated + timedelta(days=8))}: Pause active skincare" in page
    assert f"Until the end of {day_date(treated + timedelta(days=7))}." in page
    assert day_date(following - timedelta(days=1)) in page, "the last period ends the day before"
    for title in ("This evening", "Tomorrow", "Days 2 and 3", "Days 4 to 7",
                  "Until your next session"):  # fmt: skip
        assert title in page


def test_the_staff_printout_reads_what_changes(
    api_world: ApiWorld, completed: tuple[date, date]
) -> None:
    treated, following = completed
    issued = SignIn(api_world.clinic).login("practitioner", PASSWORD, None, "cookie")
    with httpx.Client(base_url=api_world.client.base_url, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        response = client.get(f"/sessions/{api_world.ids['session']}/aftercare")
    assert response.status_code == 200
    page = _flat(response.text)
    _checks(page, treated, following)
    last_start = day_date(treated + timedelta(days=8))
    last_end = day_date(following - timedelta(days=1))
    assert f"Until your next session · {last_start} to {last_end}" in page
    assert page.count("Call us if you notice") == 1


def test_the_patients_own_page_reads_what_changes(
    api_world: ApiWorld, completed: tuple[date, date]
) -> None:
    treated, following = completed
    issued = PatientLinkService(api_world.clinic, api_world.team.front_desk).issue(
        api_world.ids["patient"], LinkIn.model_validate({"scope": "patient_page"}),
        "http://clinic.test",
    )  # fmt: skip
    token = issued.url.rsplit("/", 1)[-1]
    with httpx.Client(base_url=str(api_world.client.base_url), timeout=60) as client:
        assert client.get(f"/p/{token}").status_code == 303
        client.headers["Cookie"] = f"mn_patient={token}"
        response = client.get("/p/home")
    assert response.status_code == 200
    page = _flat(response.text)
    _checks(page, treated, following)
    assert f"Until your next session ({day_date(treated + timedelta(days=8))} – " in page
