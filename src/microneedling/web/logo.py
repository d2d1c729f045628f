"""Serving the clinic's logo (its type, a checksum ETag, no content sniffing) and handing it
to the printed documents."""

from __future__ import annotations

from fastapi import Request, Response, status

from microneedling.clinic import Clinic
from microneedling.clinic.errors import NotFound
from microneedling.clinic.locations import clinic_logo
from microneedling.reports import PrintedLogo, printed_logo


def logo_response(logo: tuple[bytes, str, str] | None, request: Request) -> Response:
    """The logo with its type, checksum ETag (304 when the client has it), no sniffing, and
    kept a year when asked for by its version (``?v=``)."""
    if logo is None:
        raise NotFound("logo", "logo", "of the clinic")
    data, media_type, sha256 = logo
    # Pages link the logo as ``?v=<first 12 digits of its SHA-256>``: a new logo is a new URL,
    # so that URL may be kept for a year; any other asks again after five minutes.
    version = request.query_params.get("v")
    kept = (
        "public, max-age=31536000, immutable"
        if version and sha256.startswith(version)
        else ("public, max-age=300")
    )
    headers = {
        "ETag": f'"{sha256}"',
        "Cache-Control": kept,
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
    }
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(content=data, media_type=media_type, headers=headers)


def letterhead_logo(clinic: Clinic) -> PrintedLogo | None:
    """The clinic's logo as the printed documents embed it, or none without one."""
    return printed_logo(clinic_logo(clinic))
