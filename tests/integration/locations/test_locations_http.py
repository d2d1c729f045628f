"""Locations over HTTP: the logo checked and served with its headers, the profile page's
errors beside the field, the calendar and schedule per location, API problems naming fields."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from PIL import Image

if TYPE_CHECKING:
    from clinic_support import ApiWorld

HARBOUR = {"name": "Harbour", "address": "9 Pier Road, New York", "phone": "+1 212 555 0100",
           "timezone": "America/New_York", "opening_hours": "mon-fri 08:00-12:00",
           "rooms": ["h-1"]}  # fmt: skip


def _png(side: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (side, 8), (10, 80, 160)).save(out, format="PNG")
    return out.getvalue()


def _harbour(world: ApiWorld) -> int:
    """The Harbour location, made once per world (the module's tests share it)."""
    admin = world.headers["admin"]
    found = [loc for loc in world.client.get("/api/locations", headers=admin).json()
             if loc["name"] == "Harbour"]  # fmt: skip
    if found:
        return int(found[0]["id"])
    made = world.client.post("/api/locations", json=HARBOUR, headers=admin)
    assert made.status_code == 201, made.text
    return int(made.json()["id"])


def test_the_logo_is_checked_stripped_and_served_with_its_headers(
    api_world: ApiWorld, jpeg: object
) -> None:
    client, admin = api_world.client, api_world.headers["admin"]
    svg = ("logo.svg", b"<svg onload=alert(1)>", "image/svg+xml")
    text = client.put("/api/clinic/logo", headers=admin, files={"file": svg})
    assert text.status_code == 415
    assert text.headers["content-type"] == "application/problem+json"
    assert text.json()["errors"][0]["field"] == "logo"
    wide = client.put("/api/clinic/logo", headers=admin,
                      files={"file": ("wide.png", _png(3000), "image/png")})  # fmt: skip
    assert wide.status_code == 413
    assert "2048" in wide.json()["detail"]
    desk = client.put("/api/clinic/logo", headers=api_world.headers["front_desk"],
                      files={"file": ("l.png", _png(64), "image/png")})  # fmt: skip
    assert desk.status_code == 403
    assert client.get("/clinic-logo").status_code == 404
    from clinic_support import jpeg_with_exif

    stored = client.put("/api/clinic/logo", headers=admin,
                        files={"file": ("logo.jpg", jpeg_with_exif(), "image/jpeg")})  # fmt: skip
    assert stored.status_code == 200
    sha = stored.json()["logo_sha256"]
    public = client.get("/clinic-logo")  # no sign-in: it is on every letter
    assert public.status_code == 200
    assert public.headers["content-type"] == "image/jpeg"
    assert public.headers["etag"] == f'"{sha}"'
    assert public.headers["x-content-type-options"] == "nosniff"
    assert b"TestCam" not in public.content  # the camera's EXIF is gone
    assert client.get("/clinic-logo", headers={"If-None-Match": f'"{sha}"'}).status_code == 304
    assert client.get("/api/clinic/logo").status_code == 401
    assert client.get("/api/clinic/logo", headers=admin).content == public.content
    assert client.delete("/api/clinic/logo", headers=admin).status_code == 204
    assert client.get("/clinic-logo").status_code == 404


def test_location_problems_name_the_field_and_change_nothing(api_world: ApiWorld) -> None:
    client, admin = api_world.client, api_world.headers["admin"]
    before = client.get("/api/locations", headers=admin).json()
    bad = client.post("/api/locations", headers=admin,
                      json=HARBOUR | {"name": "Mars", "timezone": "Mars/Olympus"})  # fmt: skip
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "timezone"
    backwards = HARBOUR | {"name": "Moon", "opening_hours": "mon 18:00-09:00"}
    hours = client.post("/api/locations", headers=admin, json=backwards)
    assert hours.status_code == 422
    assert hours.json()["errors"][0]["field"] == "opening_hours"
    assert client.get("/api/locations", headers=admin).json() == before
    harbour = _harbour(api_world)
    ids = api_world.ids
    booked = client.post("/api/appointments", headers=api_world.headers["front_desk"], json={
        "patient_id": ids["spare_patient"], "practitioner_id": ids["practitioner"],
        "location_id": harbour, "room": "h-1", "kind": "consultation",
        "starts_at": "2027-03-05T09:00", "duration_minutes": 30})  # fmt: skip
    assert booked.status_code == 201, booked.text
    assert booked.json()["starts_at"].endswith("-05:00")  # New York in March, before DST
    moved = client.patch(f"/api/locations/{harbour}", headers=admin,
                         json={"timezone": "Europe/Lisbon"})  # fmt: skip
    assert moved.status_code == 409
    assert moved.json()["errors"][0]["field"] == "timezone"


def test_profile_page_edits_and_shows_refusals_beside_the_field(api_world: ApiWorld) -> None:
    harbour = _harbour(api_world)
    with api_world.browser("front_desk") as (desk, _):
        assert desk.get("/admin/clinic").status_code == 403
    with api_world.browser("admin") as (client, csrf):
        page = client.get("/admin/clinic")
        assert page.status_code == 200
        assert 'id="loc-new-opening_hours"' in page.text
        refused = client.post(f"/admin/clinic/locations/{harbour}", data={
            "csrf_token": csrf, "name": "Harbour", "address": "9 Pier Road", "phone": "",
            "timezone": "America/New_York", "opening_hours": "someday", "rooms": "h-1",
            "active": "yes"})  # fmt: skip
        assert refused.status_code == 422
        assert f'id="loc-{harbour}-opening_hours-error">' in refused.text
        assert "Cannot read &#39;someday&#39;." in refused.text
        located = client.get(f"/api/locations/{harbour}", headers=api_world.headers["admin"])
        assert located.json()["opening_hours"] == "mon-fri 08:00-12:00"
        saved = client.post("/admin/clinic/profile", data={"csrf_token": csrf,
                                                           "name": "Riverside Skin"})  # fmt: skip
        assert saved.status_code == 200
        assert "Profile saved." in saved.text
        assert '<a class="clinic-name"' in saved.text
        assert ">Riverside Skin</a>" in saved.text  # the header reads the profile
        missing_csrf = client.post("/admin/clinic/profile", data={"name": "Nope"})
        assert missing_csrf.status_code == 403


def test_calendar_and_schedule_show_the_chosen_location_in_its_zone(api_world: ApiWorld) -> None:
    harbour = _harbour(api_world)
    with api_world.browser("front_desk") as (client, _):
        day = client.get(f"/calendar/day?day=2027-03-05&location_id={harbour}")
        assert day.status_code == 200
        assert "Harbour: times in America/New_York" in day.text
        assert f'<option value="{harbour}" selected>Harbour</option>' in day.text
        schedule = client.get(f"/schedule?day=2027-03-05&location_id={harbour}")
        assert "Harbour: times in America/New_York" in schedule.text
        main = client.get("/schedule?day=2027-03-05")
        assert "times in America/New_York" not in main.text
