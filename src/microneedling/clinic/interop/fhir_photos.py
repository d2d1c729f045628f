"""The photo files of a FHIR import: each Media resource's file read from the import folder,
checked against its SHA-256, and its path in the clinic's photo directory checked to stay there.

Records are written by :mod:`.fhir_import`; the files it keeps here are written to the photo
directory only once the records have committed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from microneedling.clinic.interop.fhir_fields import Fields

#: The identifier system under which the export gives a photo's SHA-256 (hex).
SHA256_SYSTEM = "urn:microneedling:sha256"


@dataclass(frozen=True)
class PhotoFile:
    """One photo's bytes, their SHA-256 (hex), and its path relative to the photo directory."""

    relative: str
    data: bytes
    sha256: str


def photo_file(f: Fields, folder: Path) -> PhotoFile:
    """The file a Media resource names, read from the import ``folder`` and checked; a missing,
    outside or altered file, or a stored path leaving the photo directory, is the resource's
    error."""
    content = f.resource["content"]
    sha256 = next((i["value"] for i in f.resource.get("identifier", [])
                   if i.get("system") == SHA256_SYSTEM), None)  # fmt: skip
    sha256 = f.need(sha256, f"identifier[{SHA256_SYSTEM}]")
    file = folder / f.need(content.get("url"), "content.url")
    if not file.resolve().is_relative_to(folder.resolve()) or not file.is_file():
        raise f.fail("content.url", f"no photo file {content.get('url')} in the import")
    data = file.read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise f.fail("content.url", f"{content.get('url')} does not match its SHA-256")
    relative = str(f.ext("path"))
    parts = Path(relative).parts
    if Path(relative).is_absolute() or ".." in parts or not parts:
        raise f.fail("extension[path]", "must be a path inside the photo directory")
    return PhotoFile(relative, data, sha256)
