"""The practitioner's day, end to end in a browser: from sign-in to the aftercare PDF."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from e2e_helpers import answer_intake, register_patient, shoot, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PEN = "Generic motorised pen, 12-needle cartridge (up to 2.5 mm)"


def test_sign_in_to_aftercare_pdf(new_page: Callable[..., Page]) -> None:
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
    page.get_by_label("Phone").fill("+44 20 7946 0000")
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

    summary = page.request.get(plan_url + "/summary.pdf")
    assert summary.status == 200
    assert summary.body().startswith(b"%PDF")
    aftercare = page.request.get(plan_url + "/sessions/1/aftercare.pdf")
    assert aftercare.status == 200
    assert aftercare.headers["content-type"] == "application/pdf"
    assert aftercare.body().startswith(b"%PDF")
    page.goto(plan_url + "/sessions/1/aftercare")
    expect(
        page.get_by_role("heading", name="Caring for your skin after microneedling")
    ).to_be_visible()
    expect(page.get_by_text("Rosalind Franklin")).to_be_visible()
    shoot(page, "aftercare-sheet")
