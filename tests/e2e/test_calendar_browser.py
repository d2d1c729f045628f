"""The front desk books a five-session series through the week view and the series page, in a
clinic on New Zealand time (far from UTC, so a day or an hour taken in the wrong zone shows);
the week view stays usable on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from e2e_helpers import clinic_now, consented_plan, shoot, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CLINIC_TIMEZONE = "Pacific/Auckland"
CLINIC_OPENING_HOURS = "mon-fri 09:00-18:00; sat 09:00-13:00"
ZONE = ZoneInfo(CLINIC_TIMEZONE)
PHONE = {"width": 390, "height": 844}


def _next_monday() -> date:
    today = clinic_now().astimezone(ZONE).date()
    return today + timedelta(days=7 - today.weekday())


def _plan_with_five_sessions(page: Page) -> int:
    """A consented plan for cheeks; its course edited to five sessions if it has another
    number (then consented again)."""
    plan_url = consented_plan(page, "Aroha", "Ngata", "1985-07-14")
    plan_id = int(plan_url.rstrip("/").rsplit("/", 1)[-1])
    page.goto(f"/plans/{plan_id}/book")
    if page.locator(".series-row").count() != 5:
        page.goto(plan_url)
        page.get_by_label("What to change").select_option("sessions|")
        page.get_by_label("New value").fill("5")
        page.get_by_label("Reason").fill("five sessions agreed with the patient")
        page.get_by_role("button", name="Re-plan with this change").click()
        page.get_by_label("Patient's name as signed").fill("Aroha Ngata")
        page.get_by_label("How").select_option("signature")
        page.get_by_role("button", name=re.compile("Record consent to version")).click()
        expect(page.locator(".notice.ok")).to_contain_text("Consented to version")
    return plan_id


def test_a_series_booked_from_the_week_view_fits_around_an_absence(
    new_page: Callable[..., Page],
) -> None:
    practitioner = new_page()
    sign_in(practitioner, "pia")
    plan_id = _plan_with_five_sessions(practitioner)
    monday = _next_monday()
    away = monday + timedelta(weeks=4)  # the second session's day: Pia is away that morning

    desk = new_page()
    sign_in(desk, "frank")
    expect(desk.locator(".zone")).to_have_text("Times: Pacific/Auckland")
    desk.get_by_role("link", name="Calendar").click()
    desk.get_by_role("link", name="Working hours & absences").click()
    desk.get_by_label("Practitioner").first.select_option(label="Pia Practitioner")
    desk.get_by_label("Weekday").select_option("monday")
    desk.get_by_label("From", exact=True).first.fill("09:00")
    desk.get_by_label("Until", exact=True).first.fill("15:00")
    desk.get_by_role("button", name="Save hours").click()
    expect(desk.get_by_text("Monday 09:00–15:00")).to_be_visible()
    absence = desk.locator("form", has=desk.get_by_role("button", name="Record absence"))
    absence.get_by_label("Practitioner").select_option(label="Pia Practitioner")
    absence.get_by_label("Reason").fill("training")
    absence.get_by_label("From").fill(f"{away.isoformat()}T09:00")
    absence.get_by_label("Until").fill(f"{away.isoformat()}T13:00")
    desk.get_by_role("button", name="Record absence").click()
    expect(desk.get_by_role("cell", name="training")).to_be_visible()
    shoot(desk, "staff-hours")

    desk.goto(f"/plans/{plan_id}/book")
    minutes = desk.get_by_label("Minutes for session 1").input_value()
    desk.get_by_role("link", name="Choose the first slot in the week view").click()
    expect(desk.get_by_role("heading", name=re.compile("^Week of"))).to_be_visible()
    finder = desk.locator("section", has=desk.get_by_role("heading", name="Find a free slot"))
    finder.get_by_label("Minutes").fill(minutes)
    finder.get_by_label("Practitioner").select_option(label="Pia Practitioner")
    finder.get_by_label("Room").select_option("room-1")
    finder.get_by_label("Earliest date").fill(monday.isoformat())
    finder.get_by_label("How many").fill("3")
    finder.get_by_role("button", name="Find free slots").click()
    first = desk.locator(".slots li").first
    expect(first).to_contain_text(f"{monday.day} {monday:%b %Y} 09:00")
    expect(first).to_contain_text("Pia Practitioner · room-1")
    shoot(desk, "calendar-week")
    first.get_by_role("link", name="Book the series from here").click()

    expect(desk.get_by_role("heading", name="Book the session series")).to_be_visible()
    expect(desk.locator(".series-row")).to_have_count(5)
    expect(desk.get_by_label("Date for session 1")).to_have_value(monday.isoformat())
    expect(desk.get_by_label("Time for session 1")).to_have_value("09:00")
    # Session 2 cannot be at 09:00 (Pia is away): the conflict and the alternative are shown.
    row_2 = desk.locator("#session-2")
    expect(row_2.locator(".conflict")).to_contain_text("away (training) 09:00-13:00")
    expect(desk.get_by_label("Date for session 2")).to_have_value(away.isoformat())
    expect(desk.get_by_label("Time for session 2")).to_have_value("13:00")
    for n in (3, 4, 5):
        expect(desk.get_by_label(f"Time for session {n}")).to_have_value("09:00")
        expect(desk.get_by_label(f"Practitioner for session {n}")).to_have_value(
            desk.get_by_label("Practitioner for session 1").input_value()
        )
    shoot(desk, "series-proposal")

    # Leaving a practitioner out refuses the whole series, naming the row and the field once.
    desk.get_by_label("Practitioner for session 3").select_option("")
    desk.get_by_role("button", name="Book the ticked sessions").click()
    error = desk.locator("#f-practitioner-3-error")
    expect(error).to_have_text("Session 3 — practitioner: please choose one.")
    expect(desk.get_by_text("Please fill this in.")).to_have_count(0)
    expect(desk.get_by_text("Session 3 — practitioner: please choose one.")).to_have_count(1)
    expect(desk.get_by_text("Booked", exact=True)).to_have_count(0)
    shoot(desk, "series-refused")
    desk.get_by_label("Practitioner for session 3").select_option(label="Pia Practitioner")
    desk.get_by_role("button", name="Book the ticked sessions").click()
    expect(desk.get_by_text("Sessions booked.")).to_be_visible()
    expect(desk.locator(".decision", has_text="Booked")).to_have_count(5)

    desk.goto(f"/calendar/week?day={monday.isoformat()}")
    block = desk.locator("a.appointment", has_text="Aroha Ngata")
    expect(block).to_have_count(1)
    expect(block).to_contain_text("09:00–")
    expect(block).to_contain_text("session · room-1")

    phone = new_page(viewport=PHONE)
    sign_in(phone, "frank")
    phone.goto(f"/calendar/week?day={monday.isoformat()}")
    expect(phone.locator("a.appointment", has_text="Aroha Ngata")).to_have_count(1)
    page_width = phone.evaluate("document.documentElement.scrollWidth")
    assert page_width <= PHONE["width"], f"the page scrolls sideways: {page_width} px"
    grid = phone.locator(".calendar-scroll")
    inner, box = grid.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert inner > box, "the week's grid should scroll inside its own box"
    shoot(phone, "calendar-week-phone")
