"""Serving the clinic's logo: its type, a checksum ETag, and no content sniffing."""

from __future__ import annotations

from fastapi import Request, Response, status

from microneedling.clinic.errors import NotFound


def logo_response(logo: tuple[bytes, str, str] | None, request: Request) -> Response:
    """The logo with its type, checksum ETag (304 when the client has it) and no sniffing."""
    if logo is None:
        raise NotFound("logo", "logo", "of the clinic")
    data, media_type, sha256 = logo
    headers = {
        "ETag": f'"{sha256}"',
        "Cache-Control": "public, max-age=300",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": "inline",
    }
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(content=data, media_type=media_type, headers=headers)
