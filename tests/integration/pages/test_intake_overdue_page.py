"""A record whose intake is past the clinic's limit says so before anything is refused."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx

from microneedling.clinic.services.signin import SignIn
from microneedling.web.auth import SESSION_COOKIE

if TYPE_CHECKING:
    from clinic_support import ApiWorld

PASSWORD = "correct horse battery staple"
WARNING = "this clinic asks for a new intake after 30 days"


def _record_page(world: ApiWorld, patient_id: int) -> str:
    issued = SignIn(world.clinic).login("practitioner", PASSWORD, None, "cookie")
    with httpx.Client(base_url=world.client.base_url, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        response = client.get(f"/patients/{patient_id}")
        response.raise_for_status()
        return response.text


def test_the_record_warns_once_the_intake_is_past_the_limit(api_world: ApiWorld) -> None:
    clinic, clock = api_world.clinic, api_world.clock
    settings, started = clinic.settings, clock()
    clinic.settings = settings.model_copy(update={"intake_valid_days": 30})
    try:
        assert WARNING not in _record_page(api_world, api_world.ids["patient"])
        clock.advance(days=400)
        page = _record_page(api_world, api_world.ids["patient"])
        assert WARNING in " ".join(page.split())
        assert "no plan, consent or session until one is recorded" in page
    finally:
        clinic.settings = settings
        clock.set(started)
