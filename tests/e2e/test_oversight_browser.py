"""The medical director's oversight in a browser: a practitioner's plan waits, is refused without
a reason, then approved; a good-faith examination is recorded."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from e2e_helpers import consented_plan, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_the_medical_director_approves_a_practitioners_plan(
    new_page: Callable[..., Page],
) -> None:
    practitioner = new_page()
    sign_in(practitioner, "pia")
    plan_url = consented_plan(practitioner, "Rosalind", "Franklin", "1980-07-25")
    plan_id = plan_url.rstrip("/").rsplit("/", 1)[-1]
    expect(practitioner.get_by_role("link", name="Oversight")).to_have_count(0)

    director = new_page()
    sign_in(director, "mona")
    director.get_by_role("link", name="Oversight").click()
    director.get_by_role("link", name=f"Plan #{plan_id}").click()
    expect(director.get_by_role("heading", name="Plan approval")).to_be_visible()
    director.get_by_label("Decision").select_option("rejected")
    director.get_by_role("button", name="Record the decision").click()
    expect(director.locator("#f-reason-error")).to_have_text("Say why the plan is rejected.")
    director.get_by_label("Decision").select_option("approved")
    director.get_by_role("button", name="Record the decision").click()
    expect(director.get_by_text("approved by a medical director")).to_be_visible()

    director.get_by_role("link", name="Treatment plan of Rosalind Franklin").click()
    director.get_by_role("link", name="Rosalind Franklin").first.click()
    director.get_by_role("link", name="Good-faith examinations").click()
    director.get_by_label("Findings").fill("No contraindication on examination.")
    director.get_by_role("button", name="Record the examination").click()
    expect(director.get_by_text("Cleared for treatment through")).to_be_visible()
