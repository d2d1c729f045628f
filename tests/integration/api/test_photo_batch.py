"""Several photos in one API request, under the follow-up page's rule: each checked as one is,
all kept or none, a refusal naming the photo; the view filters the list."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from clinic_support import jpeg_with_exif

if TYPE_CHECKING:
    from clinic_support import ApiWorld


def _files(*images: bytes) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("file", (f"shot-{i}.jpg", data, "image/jpeg")) for i, data in enumerate(images)]


def _on_disk(world: ApiWorld) -> set[Path]:
    return {p for p in world.clinic.settings.photo_dir.rglob("*") if p.is_file()}


def test_a_batch_is_kept_whole_or_not_at_all(api_world: ApiWorld) -> None:
    client, doc = api_world.client, api_world.headers["practitioner"]
    patient = api_world.ids["patient"]
    url = f"/api/patients/{patient}/photos"
    before = client.get(url, headers=doc).json()["items"]
    on_disk = _on_disk(api_world)
    refused = client.post(
        f"{url}/batch", headers=doc,
        data={"stage": "follow_up", "site": "cheeks", "view": "right_oblique"},
        files=_files(jpeg_with_exif(101, 50), b"not a photo at all"),
    )  # fmt: skip
    assert refused.status_code == 415
    assert refused.headers["content-type"] == "application/problem+json"
    (error,) = refused.json()["errors"]
    assert error["field"] == "file"
    assert error["problem"].startswith("photo 2 of 2:")
    assert client.get(url, headers=doc).json()["items"] == before
    assert _on_disk(api_world) == on_disk

    stored = client.post(
        f"{url}/batch", headers=doc,
        data={"stage": "follow_up", "site": "cheeks", "view": "right_oblique"},
        files=_files(jpeg_with_exif(102, 50), jpeg_with_exif(103, 50)),
    )  # fmt: skip
    assert stored.status_code == 201, stored.text
    made = stored.json()
    assert [p["width_px"] for p in made] == [102, 103]
    assert {(p["stage"], p["site"], p["view"]) for p in made} == {
        ("follow_up", "cheeks", "right_oblique")
    }
    listed = client.get(url, headers=doc, params={"view": "right_oblique"}).json()["items"]
    assert [p["id"] for p in listed] == [p["id"] for p in made]
    bad_view = client.get(url, headers=doc, params={"view": "upside_down"})
    assert bad_view.status_code == 422
    assert bad_view.json()["errors"][0]["field"] == "view"
