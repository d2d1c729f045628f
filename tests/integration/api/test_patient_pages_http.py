"""The patient's pages over real HTTP: the link's cookie, its scope and patient, CSRF, headers,
calendar downloads, and nothing of the staff side."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx

from microneedling.clinic.schemas.appointments import AppointmentIn
from microneedling.clinic.services.appointments import AppointmentService
from microneedling.clinic.services.patient_links import LinkIn, PatientLinkService

if TYPE_CHECKING:
    from clinic_support import ApiWorld


def _link(world: ApiWorld, patient_id: int, scope: str = "patient_page") -> str:
    issued = PatientLinkService(world.clinic, world.team.front_desk).issue(
        patient_id, LinkIn.model_validate({"scope": scope}), "http://clinic.test"
    )
    return issued.url.rsplit("/", 1)[-1]


@contextmanager
def _opened(world: ApiWorld, token: str) -> Iterator[httpx.Client]:
    """A client of its own that opened the link and sends its cookie."""
    with httpx.Client(base_url=str(world.client.base_url), timeout=60) as client:
        response = client.get(f"/p/{token}")
        assert response.status_code == 303
        # The cookie is Secure outside development: sent by hand over the test's plain HTTP.
        client.headers["Cookie"] = f"mn_patient={token}"
        yield client


def test_opening_a_link_sets_a_private_cookie_and_leaves_the_address(
    api_world: ApiWorld,
) -> None:
    token = _link(api_world, api_world.ids["patient"])
    response = api_world.client.get(f"/p/{token}")
    assert response.status_code == 303
    assert response.headers["location"] == "/p/home"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"mn_patient={token};")
    for attribute in ("HttpOnly", "Path=/p", "SameSite=lax"):
        assert attribute in cookie
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_the_patient_page_shows_only_their_own_visits_and_downloads(
    api_world: ApiWorld,
) -> None:
    world = api_world
    other = AppointmentService(world.clinic, world.team.front_desk).book(
        AppointmentIn.model_validate({
            "patient_id": world.ids["spare_patient"], "practitioner_id": world.ids["practitioner"],
            "room": "room-2", "kind": "consultation", "starts_at": "2027-03-03T09:00",
            "duration_minutes": 15})
    )  # fmt: skip
    with _opened(world, _link(world, world.ids["patient"])) as patient:
        home = patient.get("/p/home")
        assert home.status_code == 200
        assert "Hello Wendy" in home.text
        assert "Spare" not in home.text
        own = patient.get(f"/p/home/visits/{world.ids['follow_up']}.ics")
        assert own.status_code == 200
        assert own.headers["content-type"].startswith("text/calendar")
        assert f"appointment-{world.ids['follow_up']}@" in own.text
        theirs = patient.get(f"/p/home/visits/{other.id}.ics")
        assert theirs.status_code == 404
        assert "BEGIN:VCALENDAR" not in theirs.text
        # An intake page is not this link's purpose: the same 404 as any dead link.
        assert patient.get("/p/intake").status_code == 404
        assert patient.get("/p/consent").status_code == 404


def test_patient_forms_need_the_links_csrf_token(api_world: ApiWorld) -> None:
    with _opened(api_world, _link(api_world, api_world.ids["patient"])) as patient:
        response = patient.post("/p/home/consents/1/withdraw", data={"reason": "x"})
        assert response.status_code == 403
        assert "This form had expired" in response.text


def test_a_patient_link_opens_no_staff_route(api_world: ApiWorld) -> None:
    token = _link(api_world, api_world.ids["patient"])
    with _opened(api_world, token) as patient:
        for route in ("/api/patients", f"/api/patients/{api_world.ids['patient']}"):
            with_cookie = patient.get(route, headers={"Cookie": f"mn_patient={token}"})
            assert with_cookie.status_code == 401
            bearer = patient.get(route, headers={"Authorization": f"Bearer {token}"})
            assert bearer.status_code == 401
        staff_page = patient.get(
            f"/patients/{api_world.ids['patient']}", headers={"Cookie": f"mn_patient={token}"}
        )
        assert staff_page.status_code == 303
        assert staff_page.headers["location"].startswith("/login")


def test_unusable_links_all_get_the_same_page(api_world: ApiWorld) -> None:
    token = _link(api_world, api_world.ids["patient"], "intake")
    PatientLinkService(api_world.clinic, api_world.team.front_desk).revoke(
        PatientLinkService(api_world.clinic, api_world.team.front_desk)
        .for_patient(api_world.ids["patient"])[0]
        .id
    )
    revoked = api_world.client.get(f"/p/{token}")
    unknown = api_world.client.get("/p/" + "A" * 43)
    assert revoked.status_code == unknown.status_code == 404
    assert revoked.text == unknown.text
    assert "Wendy" not in revoked.text
