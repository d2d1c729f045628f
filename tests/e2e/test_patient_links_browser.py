"""The patient on their own phone (390 px): pre-visit intake, consent drawn on the screen, their
page; and links that must open nothing (expired, revoked, another patient's records)."""

from __future__ import annotations

import hashlib
import io
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import pytest
from e2e_helpers import (
    PEN,
    answer_intake,
    build_plan,
    register_patient,
    shoot,
    sign_in,
)
from playwright.sync_api import Page, expect
from pypdf import PdfReader

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
GONE = "This link does not work"
#: Waiting for a step that runs the model's cohort or renders a PDF [ms]: a bound on waiting,
#: not a speed claim (the machine running the suite may be shared).
RENDER_MS = 90_000


def _no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide"


def _links_page(staff: Page, patient_id: int) -> None:
    staff.goto(f"/patients/{patient_id}")
    staff.get_by_role("link", name="Patient links and e-consent").click()
    expect(staff.get_by_role("heading", name="Patient links and e-consent")).to_be_visible()


def _issue(staff: Page, button: str) -> str:
    staff.get_by_role("button", name=button).click()
    url = staff.locator("#issued-url").inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/p/[A-Za-z0-9_-]{43,}", url), url
    return url


def _screened_patient(staff: Page, given: str, family: str) -> int:
    patient_id = register_patient(staff, given, family, "1983-04-05")
    staff.get_by_role("link", name="Record intake").click()
    answer_intake(staff, ["Cheeks"])
    staff.get_by_role("button", name="Save intake and screening").click()
    expect(staff.locator("#screening .decision").first).to_have_text("Eligible")
    return patient_id


def _draw_signature(page: Page) -> None:
    """Sign with the mouse: a zig-zag across the box (pointer events on the canvas)."""
    canvas = page.locator("canvas")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    left, middle = box["x"] + 15, box["y"] + box["height"] / 2
    page.mouse.move(left, middle)
    page.mouse.down()
    for i in range(1, 25):
        page.mouse.move(left + i * 12, middle + (18 if i % 2 else -18), steps=3)
    page.mouse.up()


def _ink_pixels(pdf: bytes) -> int:
    """Dark, opaque pixels of the one image in the PDF (the drawn signature)."""
    images = {im.name: im.image for p in PdfReader(io.BytesIO(pdf)).pages for im in p.images}
    assert len(images) == 1
    pixels = np.asarray(next(iter(images.values())).convert("RGBA"), dtype=np.int32)
    return int(np.count_nonzero((pixels[..., 3] > 128) & (pixels[..., :3].sum(axis=-1) < 300)))


def test_a_patient_fills_the_intake_on_a_phone_and_a_practitioner_accepts_it(
    new_page: Callable[..., Page],
) -> None:
    staff = new_page()
    sign_in(staff, "pia")
    patient_id = register_patient(staff, "Ines", "Intake", "1986-06-16")
    _links_page(staff, patient_id)
    url = _issue(staff, "Pre-visit intake link")
    expect(staff.locator(".qr svg")).to_be_visible()
    shoot(staff, "patient-links")

    phone = new_page(viewport=PHONE)
    phone.goto(url)
    expect(phone.get_by_role("heading", name="Before your visit")).to_be_visible()
    assert "/p/intake" in phone.url  # the token left the address bar
    expect(phone.get_by_text("Step 1 of 7")).to_be_visible()
    _no_sideways_scroll(phone)
    shoot(phone, "patient-intake-phone")
    phone.get_by_role("group", name="Are you pregnant, or could you be?").get_by_label("No").check()
    phone.get_by_role("group", name="Are you breastfeeding?").get_by_label("No").check()
    phone.get_by_label("I sometimes burn and tan slowly").check()
    phone.get_by_role("button", name="Next").click()
    phone.get_by_text("Cheeks", exact=True).click()
    phone.get_by_role("button", name="Next").click()
    phone.get_by_role("button", name="Next").click()  # health: nothing applies
    # Medicines: "stopped" without a date is refused as the clinic's intake refuses it.
    phone.get_by_role("group", name="Isotretinoin").get_by_label("I stopped").check()
    for _ in range(3):
        phone.get_by_role("button", name="Next").click()
    phone.get_by_role("button", name="Send to the clinic").click()
    expect(phone.get_by_text("Please give the date it was stopped.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Your medicines")).to_be_visible()
    _no_sideways_scroll(phone)
    phone.get_by_role("group", name="Isotretinoin").get_by_label("No", exact=True).check()
    for _ in range(3):
        phone.get_by_role("button", name="Next").click()
    phone.get_by_role("button", name="Send to the clinic").click()
    expect(phone.get_by_role("heading", name="Thank you, Ines")).to_be_visible()

    # Spent: the same link now opens nothing.
    response = phone.goto(url)
    assert response is not None
    assert response.status == 404
    expect(phone.get_by_role("heading", name=GONE)).to_be_visible()
    assert "Ines" not in phone.content()

    staff.reload()
    staff.get_by_role("link", name="Review and accept").click()
    expect(staff.get_by_text("The patient's own answers")).to_be_visible()
    expect(staff.get_by_role("group", name="Areas to treat").get_by_label("Cheeks")).to_be_checked()
    # The examination is the practitioner's: it starts empty, and is recorded here.
    expect(staff.locator("input[name='skin_findings_asked']")).not_to_be_checked()
    staff.locator("input[name='skin_findings_asked']").check()
    shoot(staff, "intake-draft-review")
    staff.get_by_role("button", name="Accept into the record and screen").click()
    expect(staff.locator("#screening .decision").first).to_have_text("Eligible")


def test_a_patient_signs_consent_by_drawing_and_the_pdf_holds_the_signature(
    new_page: Callable[..., Page], server: str
) -> None:
    staff = new_page()
    sign_in(staff, "pia")
    patient_id = _screened_patient(staff, "Sina", "Signer")
    staff.goto(f"/patients/{patient_id}")
    plan_id = build_plan(staff, "Cheeks", "Rolling acne scars", PEN)
    _links_page(staff, patient_id)
    staff.get_by_role("button", name=f"Prepare consent for plan {plan_id}, version 1").click(
        timeout=RENDER_MS
    )
    url = _issue(staff, "Signing link for the patient")

    phone = new_page(viewport=PHONE)
    phone.goto(url)
    expect(phone.get_by_role("heading", name="Consent to your treatment")).to_be_visible()
    expect(phone.get_by_text("not a promise").first).to_be_visible()
    _no_sideways_scroll(phone)
    phone.get_by_label("No photos").check()
    phone.get_by_label("Your full name").fill("Sina Signer")
    phone.get_by_role("button", name="Sign the consent").click()  # nothing drawn yet
    expect(phone.get_by_text("please sign in the box")).to_be_visible()
    phone.get_by_label("No photos").check()
    phone.get_by_label("Your full name").fill("Sina Signer")
    _draw_signature(phone)
    shoot(phone, "patient-consent-phone")
    # Signing renders the PDF (WeasyPrint): slower than a page on a loaded machine.
    phone.get_by_role("button", name="Sign the consent").click(timeout=RENDER_MS)
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible(timeout=RENDER_MS)

    staff.reload()
    row = staff.get_by_role("row").filter(has_text="Sina Signer")
    expect(row).to_contain_text("signed")
    expect(row).to_contain_text("(own device)")
    row.get_by_role("link", name="Verify").click()
    expect(staff.get_by_text("its SHA-256 matches")).to_be_visible()
    recorded = staff.locator(".link-url").first.inner_text().strip()
    document_id = int(staff.url.split("/")[-2])
    pdf = staff.request.get(f"/consent-documents/{document_id}.pdf").body()
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == recorded
    assert _ink_pixels(pdf) > 200
    # The record shows the signed consent; the plan is consented by the drawn signature.
    staff.goto(f"/patients/{patient_id}")
    expect(staff.locator("#consents")).to_contain_text("signed")
    expect(staff.locator("#consents")).to_contain_text("Sina Signer")
    staff.goto(f"/plans/{plan_id}")
    expect(staff.get_by_text("Consented to version 1 by Sina Signer")).to_be_visible()

    _links_page(staff, patient_id)
    page_url = _issue(staff, "Link to the patient's page")
    own = new_page(viewport=PHONE)
    own.goto(page_url)
    expect(own.get_by_role("heading", name="Hello Sina")).to_be_visible()
    expect(own.get_by_role("link", name="The signed document (PDF)")).to_be_visible()
    _no_sideways_scroll(own)
    shoot(own, "patient-page-phone")
    assert own.request.get(f"/p/home/consents/{document_id}.pdf").body() == pdf


def test_expired_revoked_and_other_patients_links_get_nothing(
    new_page: Callable[..., Page], server: str, server_data_dir: Path
) -> None:
    staff = new_page()
    sign_in(staff, "pia")
    owner_id = _screened_patient(staff, "Olga", "Owner")
    staff.goto(f"/patients/{owner_id}")
    plan_id = build_plan(staff, "Cheeks", "Rolling acne scars", PEN)
    _links_page(staff, owner_id)
    staff.get_by_role("button", name=f"Prepare consent for plan {plan_id}, version 1").click(
        timeout=RENDER_MS
    )
    # Signed on the clinic's tablet, witnessed by the practitioner.
    staff.get_by_role("link", name="Sign on this tablet").click()
    staff.get_by_label("Yes, photos may be taken and kept").check()
    staff.get_by_label("Your full name").fill("Olga Owner")
    _draw_signature(staff)
    staff.get_by_role("button", name="Sign the consent").click(timeout=RENDER_MS)
    row = staff.get_by_role("row").filter(has_text="Olga Owner")
    expect(row).to_contain_text("witnessed by Pia Practitioner")
    owners_document = int(row.get_by_role("cell").first.inner_text())

    other_id = register_patient(staff, "Xavier", "Other", "1979-09-09")
    _links_page(staff, other_id)
    revoked = _issue(staff, "Link to the patient's page")
    staff.get_by_role("button", name="Revoke").first.click()
    expired = _issue(staff, "Link to the patient's page")
    token = expired.rsplit("/", 1)[-1]
    # The link's expiry moved into the past, in the clinic's own database.
    with sqlite3.connect(server_data_dir / "clinic.sqlite3") as db:
        db.execute(
            "UPDATE patient_links SET expires_at = '2000-01-01 00:00:00' WHERE token_sha256 = ?",
            (hashlib.sha256(token.encode()).hexdigest(),),
        )
    valid = _issue(staff, "Link to the patient's page")

    phone = new_page(viewport=PHONE)
    for dead in (revoked, expired, server + "/p/" + "x" * 43):
        response = phone.goto(dead)
        assert response is not None
        assert response.status == 404
        expect(phone.get_by_role("heading", name=GONE)).to_be_visible()
        assert "Xavier" not in phone.content()
    phone.goto(valid)
    expect(phone.get_by_role("heading", name="Hello Xavier")).to_be_visible()
    for other in (f"/p/home/consents/{owners_document}.pdf",):
        response = phone.goto(server + other)
        assert response is not None
        assert response.status == 404, other
        assert "Olga" not in phone.content()
    # The patient's cookie and token open no staff page or API route.
    cookie = next(c for c in phone.context.cookies() if c["name"] == "mn_patient")
    assert cookie["path"] == "/p"
    assert cookie["httpOnly"]
    with httpx.Client(base_url=server) as client:
        for route in ("/api/patients", f"/api/patients/{other_id}", "/api/auth/me"):
            as_cookie = client.get(route, headers={"Cookie": f"mn_patient={cookie['value']}"})
            as_bearer = client.get(route, headers={"Authorization": f"Bearer {cookie['value']}"})
            assert (as_cookie.status_code, as_bearer.status_code) == (401, 401), route
        page = client.get(
            f"/patients/{other_id}", headers={"Cookie": f"mn_patient={cookie['value']}"}
        )
        assert page.status_code == 303
        assert page.headers["location"].startswith("/login")
