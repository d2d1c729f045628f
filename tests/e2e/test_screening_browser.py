"""A contraindicated patient is stopped at screening, with the reason and its source shown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from e2e_helpers import answer_intake, register_patient, shoot, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_pregnant_patient_is_not_eligible_and_the_reason_is_shown(
    new_page: Callable[..., Page],
) -> None:
    page = new_page()
    sign_in(page, "pia")
    register_patient(page, "Grace", "Hopper", "1990-04-02")
    page.get_by_role("link", name="Record intake").click()
    preview = page.locator("#screening-preview")
    expect(preview).to_contain_text("Answer the questions")
    answer_intake(page, ["Cheeks"], pregnant=True)
    # The preview is htmx's: the core's screen() on the answers so far, nothing saved yet.
    expect(preview.locator(".decision")).to_have_text("Not eligible")
    expect(preview).to_contain_text("Pregnan")
    # The reason's sources are folded into a disclosure, each listed once, shown on request.
    sources = preview.locator("details.sources").first
    expect(sources.locator("li").first).to_be_hidden()
    sources.locator("summary").click()
    expect(sources.locator("li").first).to_be_visible()
    shoot(page, "intake-screening-preview")
    page.get_by_role("button", name="Save intake and screening").click()
    record = page.locator("#screening")
    expect(record.locator(".decision").first).to_have_text("Not eligible")
    expect(record).to_contain_text("Pregnan")
    shoot(page, "patient-record-not-eligible")


def test_healthy_answers_preview_eligible_and_missing_answers_are_asked(
    new_page: Callable[..., Page],
) -> None:
    page = new_page()
    sign_in(page, "pia")
    register_patient(page, "Ada", "Byron", "1984-12-10")
    page.get_by_role("link", name="Record intake").click()
    page.get_by_label("Fitzpatrick skin type").select_option("2")
    preview = page.locator("#screening-preview")
    expect(preview.locator(".decision")).to_have_text("Incomplete")
    expect(preview).to_contain_text("Still to ask")
    answer_intake(page, ["Forehead"])
    expect(preview.locator(".decision")).to_have_text("Eligible")


def test_a_future_date_for_a_past_event_is_shown_beside_its_field(
    new_page: Callable[..., Page],
) -> None:
    page = new_page()
    sign_in(page, "pia")
    register_patient(page, "Alan", "Turing", "1979-06-23", sex="male")
    page.get_by_role("link", name="Record intake").click()
    answer_intake(page, ["Cheeks"])
    page.get_by_label("Isotretinoin", exact=True).select_option("stopped")
    page.get_by_label("Isotretinoin stopped on").fill("2099-01-01")
    page.get_by_role("button", name="Save intake and screening").click()
    error = page.locator("#f-medication-isotretinoin-stopped_on-error")
    expect(error).to_contain_text("in the future")
    # Nothing typed is lost: the other answers are still there.
    expect(page.get_by_label("Fitzpatrick skin type")).to_have_value("3")
    expect(page.get_by_label("Isotretinoin stopped on")).to_have_value("2099-01-01")
