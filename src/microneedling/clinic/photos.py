"""Clinical photo files: checked to be real images, stripped of metadata, stored by checksum.

An upload is decoded with Pillow (a file that does not decode as JPEG or PNG is refused),
rotated upright from its EXIF orientation, and re-encoded without any metadata (EXIF with
GPS position and camera serial, XMP, comments), so nothing but the pixels is kept. The file is
named by the SHA-256 of the stored bytes, which is checked again whenever the photo is read.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from microneedling.clinic.errors import TooLarge, UnsupportedMedia
from microneedling.errors import InvalidInput

FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
#: Larger than any clinical camera (a 50-megapixel sensor), far below a decompression bomb.
MAX_PIXELS = 60_000_000


class PhotoDamaged(Exception):
    """A stored photo no longer matches its checksum."""


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    sha256: str
    media_type: str
    extension: str
    width_px: int
    height_px: int


def clean_image(data: bytes, max_bytes: int, field: str = "file") -> CleanImage:
    """Validate and re-encode an upload; raise TooLarge or UnsupportedMedia naming ``field``."""
    if len(data) > max_bytes:
        raise TooLarge(field, f"is {len(data)} bytes; the limit is {max_bytes} bytes")
    if not data:
        raise UnsupportedMedia(field, "is empty")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            if image_format not in FORMATS:
                raise UnsupportedMedia(
                    field, f"is {image_format or 'not an image'}; send JPEG or PNG"
                )
            if width * height > MAX_PIXELS:
                raise TooLarge(field, f"is {width}×{height} pixels; the limit is {MAX_PIXELS}")
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
            upright.info.clear()
            out = io.BytesIO()
            if image_format == "JPEG":
                upright.save(out, format="JPEG", quality=95, optimize=True)
            else:
                upright.save(out, format="PNG", optimize=True)
    except InvalidInput:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UnsupportedMedia(field, "is not a readable JPEG or PNG image") from None
    stored = out.getvalue()
    media_type, extension = FORMATS[image_format]
    return CleanImage(
        data=stored,
        sha256=hashlib.sha256(stored).hexdigest(),
        media_type=media_type,
        extension=extension,
        width_px=upright.width,
        height_px=upright.height,
    )


def write_photo(root: Path, relative: str, data: bytes, *, replace: bool = False) -> bool:
    """Write atomically; return False if a file is already there (files are named by their
    checksum, so it is the same photo) unless ``replace`` (a damaged file is being mended)."""
    target = root / relative
    if target.exists() and not replace:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def read_photo(root: Path, relative: str, sha256: str) -> bytes:
    data = (root / relative).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise PhotoDamaged(f"photo file {relative} does not match its SHA-256")
    return data
