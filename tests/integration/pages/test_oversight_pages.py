"""Oversight pages: who may open and post them, errors beside the field, times in clinic time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from clinic_support import ApiWorld

ROLES = ("admin", "front_desk", "medical_director", "practitioner")
READERS = frozenset({"admin", "practitioner", "medical_director"})
DIRECTOR = frozenset({"medical_director"})


def _text(response: httpx.Response) -> str:
    return " ".join(response.text.split())


def test_bad_input_is_shown_beside_its_field_and_changes_nothing(api_world: ApiWorld) -> None:
    ids = api_world.ids
    with api_world.browser("medical_director") as (client, csrf):
        url = f"/plans/{ids['plan']}/approval"
        refused = client.post(url, data={"csrf_token": csrf, "version": "1",
                                         "decision": "rejected", "reason": ""})  # fmt: skip
        assert refused.status_code == 422
        assert 'id="f-reason-error">Say why the plan is rejected.</span>' in refused.text
        assert "waiting for a medical director" in _text(client.get(url))
        gfe = f"/patients/{ids['spare_patient']}/good-faith-exams"
        future = client.post(gfe, data={"csrf_token": csrf, "examined_on": "2027-03-09",
                                        "outcome": "cleared"})  # fmt: skip
        assert future.status_code == 422
        assert 'id="f-examined_on-error">2027-03-09 is in the future' in future.text
        assert "No good-faith examination recorded." in client.get(gfe).text
        review = f"/oversight/sessions/{ids['session']}/review"
        odd = client.post(review, data={"csrf_token": csrf, "finding": "so-so"})
        assert odd.status_code == 422
        assert "Please choose one of the options." in odd.text
        early = client.post(review, data={"csrf_token": csrf, "finding": "acceptable"})
        assert early.status_code == 422
        assert "review completed sessions" in early.text


PAGES = [
    ("GET", "/oversight", DIRECTOR, {}),
    ("GET", "/oversight?state=all", DIRECTOR, {}),
    ("POST", "/oversight/sessions/{session}/review", DIRECTOR, {"finding": "acceptable"}),
    ("GET", "/patients/{patient}/good-faith-exams", READERS, {}),
    ("POST", "/patients/{patient}/good-faith-exams", DIRECTOR,
     {"examined_on": "2027-03-01", "outcome": "cleared", "note": "Fit."}),
    ("GET", "/plans/{plan}/approval", READERS, {}),
    ("POST", "/plans/{plan}/approval", DIRECTOR, {"version": "1", "decision": "approved"}),
]  # fmt: skip
CASES = [(p, role) for p in PAGES for role in ROLES]


@pytest.mark.parametrize(("page", "role"), CASES, ids=[f"{p[0]} {p[1]} as {r}" for p, r in CASES])
def test_oversight_pages_by_role(
    api_world: ApiWorld, page: tuple[str, str, frozenset[str], dict[str, str]], role: str
) -> None:
    method, path, allowed, data = page
    with api_world.browser(role) as (client, csrf):
        url = path.format(**api_world.ids)
        if method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, data={"csrf_token": csrf, **data})
    if response.status_code != 303:
        assert response.headers["content-type"].startswith("text/html")
    if role in allowed:
        assert response.status_code in (200, 303, 422), response.text
    else:
        assert response.status_code == 403, response.text


def test_nav_shows_oversight_to_the_medical_director_only(api_world: ApiWorld) -> None:
    for role in ROLES:
        with api_world.browser(role) as (client, _):
            shown = ">Oversight</a>" in client.get("/patients").text
        assert shown == (role == "medical_director"), role


def test_decisions_are_shown_in_the_clinics_zone(api_world: ApiWorld) -> None:
    clinic = api_world.clinic
    settings = clinic.settings
    # The world's clock reads 10:05 UTC; the plan was approved by the role test above.
    clinic.settings = settings.model_copy(update={"timezone": "America/Los_Angeles"})
    try:
        with api_world.browser("practitioner") as (client, _):
            page = _text(client.get(f"/plans/{api_world.ids['plan']}/approval"))
        assert "approved by a medical director" in page
        assert "Mon 1 Mar 2027 02:05" in page
        with api_world.browser("medical_director") as (client, _):
            exams = _text(client.get(f"/patients/{api_world.ids['patient']}/good-faith-exams"))
        assert "Mon 1 Mar 2027 02:05" in exams
        assert "10:05" not in exams
    finally:
        clinic.settings = settings
