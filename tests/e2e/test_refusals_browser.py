"""What the clinic refuses, as a person sees it: an expired lot, clinical notes at the desk."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from e2e_helpers import (
    book_first_session,
    consented_plan,
    register_patient,
    register_pen_and_lots,
    shoot,
    sign_in,
)
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_a_session_is_refused_for_an_expired_lot(new_page: Callable[..., Page]) -> None:
    admin = new_page()
    sign_in(admin, "admin")
    register_pen_and_lots(admin, "R1")
    expect(admin.get_by_role("row", name="OLD-R1")).to_contain_text("expired")

    page = new_page()
    sign_in(page, "pia")
    plan_url = consented_plan(page, "Dorothy", "Hodgkin", "1975-05-12")
    book_first_session(page, plan_url)
    page.get_by_role("link", name="Today").click()
    page.get_by_role("link", name="Start session").click()
    for question in ("Any new medication", "Pregnant", "A cold sore", "An acne breakout"):
        page.get_by_role("group", name=question).get_by_label("No", exact=True).check()
    page.get_by_label("Device", exact=True).select_option(label="Pen R1 (PEN-R1)")
    old_lot = page.locator("#f-lot_id option", has_text="lot OLD-R1").inner_text()
    page.get_by_label("Cartridge lot").select_option(label=old_lot)
    page.get_by_role("button", name="Start the session").click()
    error = page.locator("#f-lot_id-error")
    expect(error).to_contain_text("expired on 2020-01-31")
    # The answers given stay on the form.
    expect(page.get_by_label("Cartridge lot")).to_have_value(
        page.locator("#f-lot_id option", has_text="lot OLD-R1").get_attribute("value") or ""
    )
    shoot(page, "session-refused-expired-lot")
    expect(page.get_by_role("heading", name="Start the session")).to_be_visible()


def test_front_desk_cannot_open_clinical_notes(new_page: Callable[..., Page]) -> None:
    practitioner = new_page()
    sign_in(practitioner, "pia")
    patient_id = register_patient(practitioner, "Lise", "Meitner", "1978-11-07")
    practitioner.goto(f"/patients/{patient_id}/notes")
    practitioner.get_by_label("New note").fill("Prefers morning appointments; mild rosacea.")
    practitioner.get_by_role("button", name="Add note").click()
    expect(practitioner.get_by_text("mild rosacea")).to_be_visible()

    desk = new_page()
    sign_in(desk, "frank")
    desk.get_by_role("link", name="Patients").click()
    desk.get_by_role("link", name="Meitner, Lise").click()
    expect(desk.get_by_role("heading", name="Lise Meitner")).to_be_visible()
    # Contact details only: no clinical section, no note text.
    expect(desk.get_by_role("heading", name="Clinical notes")).to_have_count(0)
    expect(desk.get_by_text("mild rosacea")).to_have_count(0)
    shoot(desk, "front-desk-patient-record")
    response = desk.goto(f"/patients/{patient_id}/notes")
    assert response is not None
    assert response.status == 403
    expect(desk.get_by_role("alert")).to_contain_text("may not read clinical")
    expect(desk.get_by_text("mild rosacea")).to_have_count(0)
    response = desk.goto("/admin/users")
    assert response is not None
    assert response.status == 403
