"""Steps the browser tests share: sign in, take a screenshot for the docs."""

from __future__ import annotations

from pathlib import Path

from clinic_server import PASSWORD
from playwright.sync_api import Page, expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def sign_in(page: Page, username: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def shoot(page: Page, name: str) -> None:
    """Save a full-page screenshot into docs/screenshots/NAME.png (linked from docs/web.md)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
