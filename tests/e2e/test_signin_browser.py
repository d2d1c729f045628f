"""Signing in and out in a real browser; pages refuse what a role may not see."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from clinic_server import PASSWORD
from e2e_helpers import shoot, sign_in
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_wrong_password_is_shown_beside_the_field(new_page: Callable[..., Page]) -> None:
    page = new_page()
    page.goto("/login")
    shoot(page, "login")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#f-password-error")).to_contain_text("Wrong username or password")
    expect(page.get_by_label("Username")).to_have_value("admin")


def test_admin_signs_in_sees_users_and_audit_then_signs_out(new_page: Callable[..., Page]) -> None:
    page = new_page()
    sign_in(page, "admin")
    page.get_by_role("link", name="Users").click()
    expect(page.get_by_role("heading", name="Users")).to_be_visible()
    expect(page.get_by_role("cell", name="Pia Practitioner")).to_be_visible()
    shoot(page, "admin-users")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("cell", name="login").first).to_be_visible()
    shoot(page, "admin-audit")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.goto("/admin/users")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_sign_in_with_the_keyboard_alone_on_a_phone(new_page: Callable[..., Page]) -> None:
    page = new_page(viewport={"width": 390, "height": 844})
    page.goto("/login")
    # The username field has the focus; Tab moves to the password; Enter submits.
    page.keyboard.type("frank")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    # Nothing wider than the screen: no sideways scrolling on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    shoot(page, "schedule-phone")
