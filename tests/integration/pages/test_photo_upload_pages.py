"""Photos on the follow-up page: several uploaded at once under the same rules as one (a real
image, metadata stripped, the patient's photo consent, the role), all kept or none; the
comparison widget and the baseline guide's data on the page, both by area and camera view."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from PIL import Image

from clinic_support import PASSWORD, jpeg_with_exif
from microneedling.clinic.services.outcomes import OutcomeService
from microneedling.clinic.services.signin import SignIn
from microneedling.web.auth import SESSION_COOKIE, csrf_token

if TYPE_CHECKING:
    from clinic_support import ApiWorld


def _signed(world: ApiWorld, username: str) -> Iterator[tuple[httpx.Client, str]]:
    issued = SignIn(world.clinic).login(username, PASSWORD, None, "cookie")
    with httpx.Client(base_url=world.client.base_url, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        yield client, csrf_token(world.clinic, issued.token)


@pytest.fixture
def practitioner(api_world: ApiWorld) -> Iterator[tuple[httpx.Client, str]]:
    yield from _signed(api_world, "practitioner")


def _files(*images: bytes) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("photo", (f"shot-{i}.jpg", data, "image/jpeg")) for i, data in enumerate(images)]


def _stored(world: ApiWorld, patient_id: int) -> list[int]:
    return [p.id for p in OutcomeService(world.clinic, world.team.practitioner).photos(patient_id)]


def _files_on_disk(world: ApiWorld) -> set[Path]:
    return {p for p in world.clinic.settings.photo_dir.rglob("*") if p.is_file()}


def test_two_photos_uploaded_at_once_are_both_kept_and_stripped(
    api_world: ApiWorld, practitioner: tuple[httpx.Client, str]
) -> None:
    client, csrf = practitioner
    patient = api_world.ids["patient"]
    before = _stored(api_world, patient)
    response = client.post(
        f"/patients/{patient}/photos",
        data={"csrf_token": csrf, "stage": "follow_up", "site": "cheeks", "view": "front"},
        files=_files(jpeg_with_exif(81, 60), jpeg_with_exif(82, 60)),
    )
    assert response.status_code == 303, response.text
    service = OutcomeService(api_world.clinic, api_world.team.practitioner)
    new = [p for p in service.photos(patient) if p.id not in before]
    assert sorted(p.width_px for p in new) == [81, 82]
    assert {(p.stage, p.site, p.view) for p in new} == {("follow_up", "cheeks", "front")}
    for photo in new:
        _, data = service.photo_file(photo.id)
        with Image.open(io.BytesIO(data)) as image:
            assert not image.getexif()  # camera and GPS tags are gone


def test_one_unreadable_photo_keeps_none_and_says_which(
    api_world: ApiWorld, practitioner: tuple[httpx.Client, str]
) -> None:
    client, csrf = practitioner
    patient = api_world.ids["patient"]
    before, on_disk = _stored(api_world, patient), _files_on_disk(api_world)
    response = client.post(
        f"/patients/{patient}/photos",
        data={"csrf_token": csrf, "stage": "follow_up", "site": "cheeks"},
        files=_files(jpeg_with_exif(83, 60), b"this is not a photo"),
    )
    assert response.status_code == 422
    page = " ".join(response.text.split())
    assert re.search(
        r'id="f-photo-error">Photo 2 of 2: is not a readable JPEG or PNG image', page
    ), page
    assert _stored(api_world, patient) == before
    assert _files_on_disk(api_world) == on_disk


def test_no_photo_consent_keeps_none(
    api_world: ApiWorld, practitioner: tuple[httpx.Client, str]
) -> None:
    client, csrf = practitioner
    spare = api_world.ids["spare_patient"]
    on_disk = _files_on_disk(api_world)
    response = client.post(
        f"/patients/{spare}/photos",
        data={"csrf_token": csrf, "stage": "baseline", "site": "cheeks"},
        files=_files(jpeg_with_exif(84, 60), jpeg_with_exif(85, 60)),
    )
    assert response.status_code == 422
    assert "The patient has not consented to photographs" in response.text
    assert _stored(api_world, spare) == []
    assert _files_on_disk(api_world) == on_disk


def test_the_front_desk_may_not_upload_photos(api_world: ApiWorld) -> None:
    patient = api_world.ids["patient"]
    before = _stored(api_world, patient)
    for client, csrf in _signed(api_world, "front-desk"):
        response = client.post(
            f"/patients/{patient}/photos",
            data={"csrf_token": csrf, "stage": "follow_up", "site": "cheeks"},
            files=_files(jpeg_with_exif(86, 60), jpeg_with_exif(87, 60)),
        )
        assert response.status_code == 403
    assert _stored(api_world, patient) == before


def test_the_page_offers_the_comparison_and_the_baseline_guide(
    api_world: ApiWorld, practitioner: tuple[httpx.Client, str]
) -> None:
    client, _ = practitioner
    patient = api_world.ids["patient"]
    page = client.get(f"/patients/{patient}/follow-up").text
    baseline = api_world.ids["photo"]  # the world's baseline photo of the cheeks
    assert re.search(
        rf'<li data-site="cheeks" data-view="front" data-src="[^"]*/photos/{baseline}">', page
    )
    opening = '<div class="compare" id="compare-1" data-compare hidden>'
    assert opening in page, "no comparison for the cheeks"
    start = page.index(opening)
    widget = page[start : page.index("</section>", start)]
    assert f"/photos/{baseline}" in widget
    assert 'class="compare-reveal" min="0" max="100"' in widget
    assert 'class="compare-opacity" min="0" max="100"' in widget
    assert 'type="file" accept="image/jpeg,image/png" capture="environment" multiple' in page
    assert "style=" not in page


def test_photos_pair_by_area_and_view_and_an_unknown_view_is_refused_beside_the_field(
    api_world: ApiWorld, practitioner: tuple[httpx.Client, str]
) -> None:
    client, csrf = practitioner
    patient = api_world.ids["patient"]
    before = _stored(api_world, patient)
    refused = client.post(
        f"/patients/{patient}/photos",
        data={"csrf_token": csrf, "stage": "baseline", "site": "cheeks", "view": "from_above"},
        files=_files(jpeg_with_exif(91, 60)),
    )
    assert refused.status_code == 422
    assert 'id="f-view-error">Please choose one of the options.<' in refused.text
    assert _stored(api_world, patient) == before
    for stage, width in (("baseline", 92), ("follow_up", 93)):
        response = client.post(
            f"/patients/{patient}/photos",
            data={"csrf_token": csrf, "stage": stage, "site": "cheeks", "view": "left_profile"},
            files=_files(jpeg_with_exif(width, 60)),
        )
        assert response.status_code == 303, response.text
    page = client.get(f"/patients/{patient}/follow-up").text
    assert "<h3>Cheeks · Left profile</h3>" in page
    assert "<h3>Cheeks · Front</h3>" in page
    start = page.index("<h3>Cheeks · Left profile</h3>")
    ends = [page.find(mark, start + 4) for mark in ("<h3>", "</section>")]
    pair = page[start : min(e for e in ends if e != -1)]  # up to the next pair or the form
    new = {p.width_px: p.id for p in OutcomeService(api_world.clinic,
           api_world.team.practitioner).photos(patient) if p.id not in before}  # fmt: skip
    assert f"/photos/{new[92]}" in pair
    assert f"/photos/{new[93]}" in pair
    assert f"/photos/{api_world.ids['photo']}" not in pair  # the front baseline stays apart
    assert 'alt="Cheeks, left profile before treatment' in pair
    guide = rf'<li data-site="cheeks" data-view="left_profile" data-src="[^"]*/photos/{new[92]}">'
    assert re.search(guide, page)
