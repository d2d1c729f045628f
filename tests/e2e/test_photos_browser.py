"""Before and after photos in a browser: two after photos uploaded at once with the baseline of
the same area and view shown faintly over them first (none for another view), then compared by
dragging a divider (and with the arrow keys) and by fading the after photo over the before
photo."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from e2e_helpers import register_patient, shoot, sign_in
from PIL import Image
from playwright.sync_api import FilePayload, Page, expect

pytestmark = pytest.mark.browser


def _png(name: str, colour: tuple[int, int, int]) -> FilePayload:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


def _upload(page: Page, stage: str, files: list[FilePayload]) -> None:
    page.get_by_label("When").select_option(label=stage)
    page.get_by_label("Area").select_option(label="Cheeks")
    page.get_by_label("View (the way the patient faces the camera)").select_option(label="Front")
    page.get_by_label("Photos (JPEG or PNG; several at once)").set_input_files(files)


def _clip(page: Page) -> str:
    return str(page.locator("#compare-1 .compare-after").evaluate(
        "img => getComputedStyle(img).clipPath"
    ))  # fmt: skip


def _opacity(page: Page) -> str:
    return str(page.locator("#compare-1 .compare-after").evaluate(
        "img => getComputedStyle(img).opacity"
    ))  # fmt: skip


def test_upload_two_at_once_with_the_baseline_guide_then_compare(
    new_page: Callable[..., Page],
) -> None:
    page = new_page()
    sign_in(page, "pia")
    patient = register_patient(page, "Greta", "Ghost", "1980-02-02")
    page.goto(f"/patients/{patient}/follow-up")

    _upload(page, "before treatment", [_png("baseline.png", (180, 120, 110))])
    # A baseline photo has no guide of its own.
    expect(page.locator(".ghost-baseline")).to_have_count(0)
    page.get_by_role("button", name="Upload photos").click()
    expect(page.get_by_role("heading", name="Follow-up")).to_be_visible()

    _upload(page, "follow-up", [_png("after-1.png", (200, 140, 130)),
                                _png("after-2.png", (210, 150, 140))])  # fmt: skip
    ghost = page.locator("[data-ghost]")
    expect(ghost).to_be_visible()
    expect(ghost).to_contain_text("2 photos chosen")
    expect(page.locator(".ghost-stage")).to_have_count(2)
    guides = page.locator(".ghost-baseline")
    expect(guides).to_have_count(2)
    # Another view of the same area has no baseline yet: no guide, and the page says so.
    view = page.get_by_label("View (the way the patient faces the camera)")
    view.select_option(label="Left profile")
    expect(guides).to_have_count(0)
    expect(ghost).to_contain_text("No baseline photo of this area and view")
    view.select_option(label="Front")
    expect(guides).to_have_count(2)
    expect(guides.first).to_have_attribute("src", re.compile(r"/photos/\d+$"))
    expect(page.locator(".ghost-shot").nth(1)).to_have_attribute(
        "src", re.compile(r"^data:image/png;base64,")
    )
    faint = guides.first.evaluate("img => getComputedStyle(img).opacity")
    assert faint == "0.4"
    guide = page.get_by_label("Baseline guide: opacity (%)")
    guide.focus()
    for _ in range(4):
        guide.press("ArrowRight")
    assert guides.first.evaluate("img => getComputedStyle(img).opacity") == "0.6"
    page.get_by_role("button", name="Upload photos").click()
    expect(page.get_by_role("heading", name="Follow-up")).to_be_visible()

    # Both after photos were kept: three photos of the patient in all.
    listed = page.request.get(f"/api/patients/{patient}/photos").json()
    assert [(p["stage"], p["site"], p["view"]) for p in listed["items"]] == [
        ("baseline", "cheeks", "front"), ("follow_up", "cheeks", "front"),
        ("follow_up", "cheeks", "front"),
    ]  # fmt: skip

    # The comparison replaces the side-by-side photos; the divider starts in the middle.
    compare = page.locator("#compare-1")
    expect(compare).to_be_visible()
    expect(page.locator("[data-side-by-side]").first).to_be_hidden()
    assert _clip(page) == "inset(0px 0px 0px 50%)"

    # Dragging across the photos moves the divider to where the pointer is let go.
    stage = compare.locator(".compare-stage")
    box = stage.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.5, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.65, y, steps=5)
    page.mouse.move(box["x"] + box["width"] * 0.8, y, steps=5)
    page.mouse.up()
    divider = compare.get_by_label("Divider: before on the left, after on the right (%)")
    expect(divider).to_have_value("80")
    assert _clip(page) == "inset(0px 0px 0px 80%)"

    # The keyboard moves it too, one step per arrow key.
    divider.focus()
    for _ in range(3):
        divider.press("ArrowLeft")
    expect(divider).to_have_value("77")
    assert _clip(page) == "inset(0px 0px 0px 77%)"
    shoot(page, "photo-compare-slider")

    # Overlay: the after photo fades over the whole before photo.
    compare.get_by_label("Overlay").check()
    fade = compare.get_by_label("After photo over the before photo: opacity (%)")
    expect(fade).to_be_visible()
    expect(divider).to_be_hidden()
    assert _clip(page) == "none"
    assert _opacity(page) == "0.5"
    fade.focus()
    fade.press("Home")
    expect(fade).to_have_value("0")
    assert _opacity(page) == "0"
    for _ in range(3):
        fade.press("ArrowRight")
    expect(fade).to_have_value("3")
    assert _opacity(page) == "0.03"
    compare.get_by_label("Slider").check()
    expect(divider).to_be_visible()
    assert _clip(page) == "inset(0px 0px 0px 77%)"
