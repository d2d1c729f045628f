"""The clinic's letterhead on printed documents: its name from the profile and its logo.

The logo is embedded in the document as a ``data:`` URI made from the bytes stored in the
database, so neither the printed page nor the PDF fetches anything to show it (WeasyPrint is
allowed only ``file`` and ``data`` URLs; see :mod:`microneedling.reports.pdf`).
"""

from __future__ import annotations

import base64

from pydantic import BaseModel, ConfigDict, Field

#: The types the clinic's logo is stored as (the profile re-encodes every upload to one).
LOGO_TYPES = ("image/png", "image/jpeg")


class PrintedLogo(BaseModel):
    """The clinic's logo as stored: its bytes and media type."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    data: bytes = Field(min_length=1)
    media_type: str = Field(pattern=r"^image/(png|jpeg)$")

    @property
    def src(self) -> str:
        """The logo as a ``data:`` URI for an ``<img src>``."""
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def printed_logo(stored: tuple[bytes, str, str] | None) -> PrintedLogo | None:
    """The logo from the profile's ``(bytes, media type, SHA-256)``, or none without one."""
    if stored is None:
        return None
    data, media_type, _sha256 = stored
    return PrintedLogo(data=data, media_type=media_type)
