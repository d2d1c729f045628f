"""The desk's outbox, waitlist and recall pages, and an admin's calendar feed, in a browser."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from e2e_helpers import clinic_now, shoot, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def _register_with_messages(page: Page, given: str, family: str, email: str) -> int:
    page.goto("/patients/new")
    page.get_by_label("Given name").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Date of birth").fill("1985-05-05")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Reminders and messages").check()
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_role("heading", name=f"{given} {family}")).to_be_visible()
    return int(page.url.rstrip("/").split("/")[-1])


def test_the_desk_sees_the_outbox_and_keeps_a_waitlist(new_page: Callable[..., Page]) -> None:
    desk = new_page()
    sign_in(desk, "frank")
    patient_id = _register_with_messages(desk, "Nora", "Notify", "nora@example.org")
    desk.goto(f"/patients/{patient_id}/book")
    day = (clinic_now() + timedelta(days=4)).date()
    desk.get_by_label("Practitioner").select_option(label="Pia Practitioner")
    desk.get_by_label("Room").select_option("room-1")
    desk.get_by_label("Date").fill(day.isoformat())
    desk.get_by_label("Time").fill("10:00")
    desk.get_by_role("button", name="Book", exact=True).click()
    desk.wait_for_url(f"**/schedule?day={day.isoformat()}&location_id=*")

    desk.get_by_role("link", name="Messages").click()
    expect(desk.get_by_role("heading", name="Messages")).to_be_visible()
    rows = desk.locator("tbody tr", has_text="nora@example.org")
    expect(rows).to_have_count(3)  # the confirmation and the 48 h and 24 h reminders
    expect(rows.filter(has_text="booking confirmation")).to_contain_text("scheduled")
    shoot(desk, "messages-outbox")
    rows.filter(has_text="reminder").first.get_by_role("button", name="Cancel").click()
    expect(desk.locator("tbody tr", has_text="cancelled by frank")).to_have_count(1)

    desk.get_by_role("link", name="Waitlist").click()
    desk.get_by_label("Patient number").fill(str(patient_id))
    desk.get_by_label("Earliest").fill(f"{day.isoformat()}T14:00")
    desk.get_by_label("Latest").fill(f"{day.isoformat()}T09:00")
    desk.get_by_role("button", name="Add to the waitlist").click()
    expect(desk.locator("#f-latest-error")).to_have_text("Must be after earliest.")
    desk.get_by_label("Latest").fill(f"{(day + timedelta(days=2)).isoformat()}T18:00")
    desk.get_by_role("button", name="Add to the waitlist").click()
    expect(desk.get_by_role("cell", name="Nora Notify")).to_be_visible()
    shoot(desk, "waitlist")

    desk.get_by_role("link", name="Recall").click()
    expect(desk.get_by_role("heading", name="Recall")).to_be_visible()
    expect(desk.get_by_role("link", name="Download CSV")).to_be_visible()
    shoot(desk, "recall-list")


def test_an_admin_makes_and_revokes_a_practitioner_feed(new_page: Callable[..., Page]) -> None:
    admin = new_page()
    sign_in(admin, "admin")
    admin.get_by_role("link", name="Calendar feeds").click()
    admin.get_by_label("Practitioner").select_option(label="Pia Practitioner")
    admin.get_by_role("button", name="Make feed").click()
    address = admin.get_by_label("New feed address (shown once)").input_value()
    assert "/feeds/" in address
    shoot(admin, "calendar-feeds")
    feed = admin.request.get(address)
    assert feed.status == 200
    assert feed.text().startswith("BEGIN:VCALENDAR")
    admin.get_by_role("button", name="Revoke").click()
    expect(admin.get_by_text("Feed revoked")).to_be_visible()
    assert admin.request.get(address).status == 404
