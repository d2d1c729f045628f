"""The practitioner's day, end to end in a browser: from sign-in to the aftercare PDF."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from e2e_helpers import (
    PEN,
    answer_intake,
    book_first_session,
    clinic_now,
    register_patient,
    register_pen_and_lots,
    shoot,
    sign_in,
)
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

pytestmark = pytest.mark.browser
#: Waiting for a PDF to render [ms]: a bound on waiting on a shared machine, not a speed claim
#: (the first PDF also loads WeasyPrint and its fonts).
RENDER_MS = 90_000


def today_minus(days: int) -> str:
    return (clinic_now().date() - timedelta(days=days)).isoformat()


def png(colour: tuple[int, int, int]) -> bytes:
    """A small real photo-like image (a gradient), as PNG bytes."""
    image = Image.new("RGB", (320, 240), colour)
    for x in range(0, 320, 8):
        image.paste((colour[0], min(255, colour[1] + x // 4), colour[2]), (x, 0, x + 8, 240))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _numbing_started(minutes_ago: int) -> str:
    # The e2e clinic runs on UTC and its own clock; datetime-local inputs take time to the minute.
    return (clinic_now() - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M")


def test_sign_in_to_aftercare_pdf(new_page: Callable[..., Page]) -> None:
    admin = new_page()
    sign_in(admin, "admin")
    register_pen_and_lots(admin, "J1")
    shoot(admin, "devices-and-lots")

    page = new_page()
    sign_in(page, "pia")
    patient_id = register_patient(page, "Rosalind", "Franklin", "1982-07-25")
    shoot(page, "patient-record-new")
    page.get_by_role("link", name="Record intake").click()
    answer_intake(page, ["Cheeks"])
    expect(page.locator("#screening-preview .decision")).to_have_text("Eligible")
    page.get_by_role("button", name="Save intake and screening").click()
    expect(page.locator("#screening .decision").first).to_have_text("Eligible")

    page.goto(f"/patients/{patient_id}")
    page.get_by_role("link", name="New plan").click()
    page.get_by_label("Area 1", exact=True).select_option(label="Cheeks")
    page.get_by_label("Concern 1").first.select_option(label="Rolling acne scars")
    page.get_by_label("Device and cartridge").select_option(label=PEN)
    preview = page.locator("#plan-preview")
    # The core's plan, with the rule and reason behind the depth.
    expect(preview).to_contain_text("Rolling acne scars")
    expect(preview.locator(".clamp").first).to_be_visible()
    shoot(page, "plan-builder")
    page.get_by_role("button", name="Create plan").click()
    expect(page.get_by_role("heading", name="Treatment plan")).to_be_visible()
    plan_url = page.url

    page.get_by_label("Patient's name as signed").fill("Rosalind Franklin")
    page.get_by_label("How").select_option("signature")
    page.get_by_role("button", name="Record consent to version 1").click()
    expect(page.locator(".notice.ok")).to_contain_text("Consented to version 1")
    shoot(page, "plan")
    page.get_by_role("link", name="Predicted course").click()
    expect(page.get_by_role("img", name="Papillary-dermis collagen compared")).to_be_visible()
    # Two bands: collagen, and the expected grade the recorded scores are set against.
    expect(page.locator("svg path.band")).to_have_count(2)
    expect(page.get_by_role("img", name="Expected grade on the")).to_be_visible()
    expect(page.get_by_text("No score recorded for")).to_be_visible()
    shoot(page, "predicted-course")
    page.goto(plan_url)

    summary = page.request.get(plan_url + "/summary.pdf", timeout=RENDER_MS)
    assert summary.status == 200
    assert summary.body().startswith(b"%PDF")
    aftercare = page.request.get(plan_url + "/sessions/1/aftercare.pdf", timeout=RENDER_MS)
    assert aftercare.status == 200
    assert aftercare.headers["content-type"] == "application/pdf"
    assert aftercare.body().startswith(b"%PDF")

    book_first_session(page, plan_url)
    shoot(page, "book-series")
    page.get_by_role("link", name="Today").click()
    shoot(page, "schedule-today")
    page.get_by_role("link", name="Start session").click()
    for question in ("Any new medication", "Pregnant", "A cold sore", "An acne breakout"):
        page.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    page.get_by_label("Device", exact=True).select_option(label="Pen J1 (PEN-J1)")
    ok_lot = page.locator("#f-lot_id option", has_text="lot OK-J1").inner_text()
    page.get_by_label("Cartridge lot").select_option(label=ok_lot)
    page.get_by_label("Numbing cream applied at").fill(_numbing_started(10))
    page.get_by_role("button", name="Start the session").click()
    expect(page.get_by_role("heading", name="Treatment session")).to_be_visible()
    # Ten minutes of numbing: the timer says to wait.
    expect(page.locator(".timer-status")).to_contain_text("Wait")
    # The contact time's source by its name, folded away; never the knowledge base's key.
    expect(page.locator("details.sources summary").first).to_contain_text("Sources")
    expect(page.get_by_text("seed_patient_education")).to_have_count(0)
    shoot(page, "session-numbing")

    # The limits are the service's: 2.0 mm at the cheeks is beyond the plan's depth.
    page.get_by_label("Depth set (mm)").fill("2")
    page.get_by_role("button", name="Record area").click()
    expect(page.locator("#f-depth_mm-error")).to_contain_text("beyond")
    expect(page.get_by_label("Depth set (mm)")).to_have_value("2")
    page.get_by_label("Depth set (mm)").fill("1.5")
    page.get_by_role("button", name="Record area").click()
    expect(page.get_by_role("cell", name="1.5 mm")).to_be_visible()
    page.get_by_label("Needling started").fill(_numbing_started(5))
    page.get_by_label("End-point reached").select_option("pinpoint_bleeding")
    page.get_by_role("button", name="Complete the session").click()
    expect(page.get_by_role("heading", name="Completed")).to_be_visible()
    shoot(page, "session-completed")

    page.get_by_role("link", name="Aftercare sheet (print)").click()
    heading = page.get_by_role("heading", name="Caring for your skin after microneedling")
    expect(heading).to_be_visible()
    expect(page.get_by_text("For: Rosalind Franklin")).to_be_visible()
    expect(page.get_by_role("cell", name="1.5 mm")).to_be_visible()
    shoot(page, "aftercare-sheet")
    pdf = page.request.get(page.url + ".pdf", timeout=RENDER_MS)
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")

    # Follow-up: scores on the concern's own scale and photos side by side.
    page.goto(f"/patients/{patient_id}/follow-up")
    for assessed_on, score in ((today_minus(28), "3"), (today_minus(0), "5")):
        page.get_by_label("Concern", exact=True).select_option("acne_scars_rolling")
        page.get_by_label("Clinician's score").fill(score)
        page.get_by_label("Assessed on").fill(assessed_on)
        page.get_by_role("button", name="Save assessment").click()
    # 5 is off the 1-4 Goodman and Baron scale: refused beside the field, value kept.
    expect(page.locator("#f-clinician_score-error")).to_be_visible()
    expect(page.get_by_label("Clinician's score")).to_have_value("5")
    page.get_by_label("Clinician's score").fill("2")
    page.get_by_role("button", name="Save assessment").click()
    for stage, colour in (("baseline", (180, 90, 90)), ("follow_up", (200, 150, 140))):
        photo: FilePayload = {
            "name": f"{stage}.png",
            "mimeType": "image/png",
            "buffer": png(colour),
        }
        page.set_input_files("#f-photo", files=[photo])
        page.get_by_label("When").select_option(stage)
        page.get_by_label("Area", exact=True).select_option("cheeks")
        page.get_by_label("View (the way the patient faces the camera)").select_option("front")
        page.get_by_role("button", name="Upload photos").click()
    expect(page.get_by_role("img", name="Cheeks, front before treatment")).to_be_visible()
    expect(page.get_by_role("img", name="Cheeks, front after treatment")).to_be_visible()
    expect(page.locator("svg circle.dot")).to_have_count(2)
    shoot(page, "follow-up")
