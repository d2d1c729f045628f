"""A FHIR import's photo file is read only when it is in the import folder, matches its SHA-256,
and its stored path stays inside the photo directory; each refusal names the field."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from microneedling.clinic.interop.fhir_fields import Fields
from microneedling.clinic.interop.fhir_photos import SHA256_SYSTEM, photo_file
from microneedling.clinic.interop.resources import ext
from microneedling.errors import InvalidInput

IMAGE = b"\x89PNG not really, but bytes with a checksum"


def _media(url: str, stored: str, sha256: str) -> Fields:
    resource = {
        "resourceType": "Media",
        "id": "photo-1",
        "identifier": [{"system": SHA256_SYSTEM, "value": sha256}],
        "content": {"url": url, "contentType": "image/png"},
        "extension": [ext("path", stored)],
    }
    return Fields(resource, "bundle.json")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "import" / "photos").mkdir(parents=True)
    (tmp_path / "import" / "photos" / "a.png").write_bytes(IMAGE)
    (tmp_path / "outside.png").write_bytes(IMAGE)
    return tmp_path / "import"


def test_a_file_in_the_folder_matching_its_checksum_is_read(folder: Path) -> None:
    digest = hashlib.sha256(IMAGE).hexdigest()
    photo = photo_file(_media("photos/a.png", "ab/cd.png", digest), folder)
    assert (photo.relative, photo.data, photo.sha256) == ("ab/cd.png", IMAGE, digest)


@pytest.mark.parametrize(
    ("url", "stored", "digest", "field", "problem"),
    [
        ("photos/b.png", "ab/cd.png", None, "content.url", "no photo file photos/b.png"),
        ("../outside.png", "ab/cd.png", None, "content.url", "no photo file ../outside.png"),
        ("photos/a.png", "ab/cd.png", "0" * 64, "content.url", "does not match its SHA-256"),
        ("photos/a.png", "../cd.png", None, "extension[path]", "inside the photo directory"),
        ("photos/a.png", "/tmp/cd.png", None, "extension[path]", "inside the photo directory"),
    ],
)
def test_a_file_that_cannot_be_trusted_is_refused_naming_the_field(
    folder: Path, url: str, stored: str, digest: str | None, field: str, problem: str
) -> None:
    media = _media(url, stored, digest or hashlib.sha256(IMAGE).hexdigest())
    with pytest.raises(InvalidInput) as refused:
        photo_file(media, folder)
    assert refused.value.field == field
    assert problem in refused.value.problem
