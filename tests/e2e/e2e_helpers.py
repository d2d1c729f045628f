"""Steps the browser tests share: the clinic's clock, sign in, take a screenshot for the docs."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from clinic_server import PASSWORD
from playwright.sync_api import Page, expect

#: Latest time of day (the e2e clinic's zone, UTC) the browser tests start at: a series booked
#: "later today" with hour-long visits must still end before midnight, whatever hour the suite
#: runs.
LATEST_START = time(20, 0)


def _shift_at_start() -> timedelta:
    now = datetime.now(UTC)
    latest = datetime.combine(now.date(), LATEST_START, tzinfo=UTC)
    return max(now - latest, timedelta(0))


#: How far the clinic's clock runs behind real time: computed once per test run, handed to the
#: server (``clinic_server.py``) and used by :func:`clinic_now`, so both read one clock.
CLOCK_SHIFT = _shift_at_start()


def clinic_now() -> datetime:
    """The e2e clinic's "now" (UTC): real time moved back by :data:`CLOCK_SHIFT`."""
    return datetime.now(UTC) - CLOCK_SHIFT


DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
#: Screenshots go into docs/ only when asked (MICRONEEDLING_SCREENSHOTS=1), so that a test run
#: leaves the working tree as it found it; otherwise they are still taken, into a scratch folder.
SCREENSHOTS = (
    DOCS_SCREENSHOTS
    if os.environ.get("MICRONEEDLING_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "microneedling-screenshots"
)


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def shoot(page: Page, name: str) -> None:
    """Save a full-page screenshot NAME.png (into docs/screenshots/, linked from docs/web.md,
    when MICRONEEDLING_SCREENSHOTS=1)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def register_patient(page: Page, given: str, family: str, born: str, sex: str = "female") -> int:
    """Register a patient through the pages; returns the new record's id."""
    page.goto("/patients/new")
    page.get_by_label("Given name").fill(given)
    page.get_by_label("Family name").fill(family)
    page.get_by_label("Date of birth").fill(born)
    page.get_by_label("Sex").select_option(sex)
    page.get_by_label("Photos may be taken and kept").check()
    page.get_by_role("button", name="Register patient").click()
    expect(page.get_by_role("heading", name=f"{given} {family}")).to_be_visible()
    return int(page.url.rstrip("/").split("/")[-1])


def answer_intake(page: Page, areas: list[str], *, pregnant: bool = False) -> None:
    """Fill every question of the intake for a healthy patient (the areas by their names)."""
    page.get_by_role("group", name="Pregnant?").get_by_label(
        "Yes" if pregnant else "No", exact=True
    ).check()
    page.get_by_role("group", name="Breastfeeding?").get_by_label("No", exact=True).check()
    page.get_by_label("Fitzpatrick skin type").select_option("3")
    for area in areas:
        page.get_by_role("group", name="Areas to treat").get_by_text(area, exact=True).click()
    for asked in (
        "conditions_asked",
        "medications_asked",
        "procedures_asked",
        "allergies_asked",
        "skin_findings_asked",
    ):
        page.locator(f"input[name='{asked}']").check()


def build_plan(page: Page, area: str, concern: str, device: str) -> int:
    """From a patient's record with an eligible screening, build and create a plan."""
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Area 1", exact=True).select_option(label=area)
    page.get_by_label("Concern 1").first.select_option(label=concern)
    page.get_by_label("Device and cartridge").select_option(label=device)
    preview = page.locator("#plan-preview")
    expect(preview.locator(".clamp").first).to_be_visible()
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", name="Treatment plan")).to_be_visible()
    return int(page.url.rstrip("/").split("/")[-1])


def register_pen_and_lots(page: Page, suffix: str) -> None:
    """As an admin: a 12-needle generic pen, one usable lot and one expired lot."""
    page.goto("/devices")
    page.get_by_text("Register a device").click()
    page.get_by_label("Type", exact=True).select_option("generic_pen_12")
    page.get_by_label("Serial number").fill(f"PEN-{suffix}")
    page.get_by_label("Label", exact=True).fill(f"Pen {suffix}")
    page.get_by_role("button", name="Register device").click()
    expect(page.get_by_role("cell", name=f"PEN-{suffix}")).to_be_visible()
    for lot, expires in ((f"OK-{suffix}", "2030-12-31"), (f"OLD-{suffix}", "2020-01-31")):
        page.get_by_text("Register a lot").click()
        page.get_by_label("Lot number").fill(lot)
        page.get_by_label("Fits device type").select_option("generic_pen_12")
        page.get_by_label("Cartridge", exact=True).select_option("12")
        page.get_by_label("Needles").fill("12")
        page.get_by_label("Needle length (mm)").fill("2")
        page.get_by_label("Expires on").fill(expires)
        page.get_by_role("button", name="Register lot").click()
        expect(page.get_by_role("cell", name=lot, exact=True)).to_be_visible()


def propose_with(page: Page, practitioner: str) -> None:
    """On the series page, propose every session again with one practitioner."""
    page.get_by_label("Practitioner for every session").select_option(label=practitioner)
    page.get_by_role("button", name="Propose again").click()
    expect(page.get_by_label("Practitioner for session 1")).to_have_value(
        page.get_by_label("Practitioner for every session").input_value()
    )


def book_first_session(page: Page, plan_url: str) -> None:
    """From the plan page, book the series; the first session is later today."""
    page.goto(plan_url)
    page.get_by_role("link", name="Book the sessions").click()
    propose_with(page, "Pia Practitioner")
    page.get_by_role("button", name="Book the ticked sessions").click()
    expect(page.get_by_text("Sessions booked.")).to_be_visible()


PEN = "Generic motorised pen, 12-needle cartridge (up to 2.5 mm)"


def consented_plan(page: Page, given: str, family: str, born: str) -> str:
    """Register, screen (eligible), plan cheeks for rolling acne scars, consent; plan URL."""
    patient_id = register_patient(page, given, family, born)
    page.get_by_role("link", name="Record intake").click()
    answer_intake(page, ["Cheeks"])
    page.get_by_role("button", name="Save intake and screening").click()
    expect(page.locator("#screening .decision").first).to_have_text("Eligible")
    page.goto(f"/patients/{patient_id}")
    build_plan(page, "Cheeks", "Rolling acne scars", PEN)
    page.get_by_label("Patient's name as signed").fill(f"{given} {family}")
    page.get_by_label("How").select_option("signature")
    page.get_by_role("button", name="Record consent to version 1").click()
    expect(page.locator(".notice.ok")).to_contain_text("Consented to version 1")
    return page.url
