"""Two-factor sign-in in a real browser: a role that must use it is sent to set it up first,
then signs in with the code after the password."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pyotp
import pytest
from clinic_server import PASSWORD
from e2e_helpers import clinic_now, shoot
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

#: Medical directors must use two-factor sign-in in this clinic.
CLINIC_ENV = {"MICRONEEDLING_MFA_REQUIRED_ROLES": '["medical_director"]'}


def _password_step(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_a_director_sets_up_the_app_first_then_signs_in_with_a_code(
    new_page: Callable[..., Page],
) -> None:
    page = new_page(viewport={"width": 390, "height": 844})
    _password_step(page, "mona")
    # Sent to set it up before anything else, and kept there.
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Set up an authenticator app")
    page.goto("/patients")
    expect(page.get_by_role("heading", name="Two-factor sign-in")).to_be_visible()
    page.get_by_role("button", name="Set up an authenticator app").click()
    expect(page.locator(".qr svg")).to_be_visible()
    shoot(page, "mfa-enrol-phone")
    totp = pyotp.TOTP(page.locator("#mfa-secret").inner_text().strip())
    page.get_by_label("The 6-digit code the app shows").fill(totp.at(clinic_now()))
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Continue").click()
    page.get_by_role("button", name="Sign out").click()

    _password_step(page, "mona")
    expect(page.get_by_label("One-time code")).to_be_visible()
    page.get_by_label("One-time code").fill("000000" if totp.at(clinic_now()) != "000000" else "1")
    page.get_by_role("button", name="Verify").click()
    expect(page.locator("#f-code-error")).to_contain_text("Wrong one-time code")
    # The next step's code: the one that confirmed the app is spent.
    page.get_by_label("One-time code").fill(totp.at(clinic_now() + timedelta(seconds=30)))
    page.get_by_role("button", name="Verify").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/patients")
    expect(page.get_by_role("heading", name="Patients")).to_be_visible()


def test_a_practitioner_opts_in_from_the_two_factor_page(new_page: Callable[..., Page]) -> None:
    page = new_page()
    _password_step(page, "pia")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # not asked
    page.goto("/account/mfa")
    page.get_by_role("button", name="Set up an authenticator app").click()
    page.get_by_label("The 6-digit code the app shows").fill("12345")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.locator("#f-code-error")).to_be_visible()
    expect(page.locator(".qr svg")).to_be_visible()  # the same secret, shown again
