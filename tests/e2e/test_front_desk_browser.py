"""The front desk books a plan's session series without seeing the plan's clinical detail."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from e2e_helpers import consented_plan, propose_with, shoot, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_front_desk_books_the_session_series_from_the_schedule(
    new_page: Callable[..., Page],
) -> None:
    practitioner = new_page()
    sign_in(practitioner, "pia")
    plan_url = consented_plan(practitioner, "Grete", "Hermann", "1981-03-02")
    plan_id = int(plan_url.rstrip("/").rsplit("/", 1)[-1])

    desk = new_page()
    sign_in(desk, "frank")
    desk.get_by_role("link", name="Patients").click()
    desk.get_by_role("link", name="Hermann, Grete").click()
    desk.get_by_role("link", name="Book an appointment").click()
    expect(desk.get_by_text(f"Plan {plan_id} (consented)")).to_be_visible()
    desk.get_by_role("link", name="book the session series").click()
    expect(desk.get_by_role("heading", name="Book the session series")).to_be_visible()
    # Dates and visit lengths only: no areas, depths or screening on the page.
    expect(desk.get_by_text("Cheeks")).to_have_count(0)
    propose_with(desk, "Pia Practitioner")
    desk.get_by_role("button", name="Book the ticked sessions").click()
    expect(desk.get_by_text("Sessions booked.")).to_be_visible()
    shoot(desk, "front-desk-series-booked")
    response = desk.goto(plan_url)
    assert response is not None
    assert response.status == 403
