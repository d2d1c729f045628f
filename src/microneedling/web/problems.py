"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error body has ``type``, ``title``, ``status`` and ``detail``, and an ``errors`` list
naming each offending field (``[{"field": "date_of_birth", "problem": "..."}]``). The ``type``
URIs are relative (``/problems/invalid-input``) and listed in docs/api.md.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from microneedling.clinic.errors import (
    NotAuthenticated,
    NotFound,
    PermissionDenied,
    SeveralProblems,
    TooLarge,
    TooManyAttempts,
    UnsupportedMedia,
)
from microneedling.errors import InvalidInput, KnowledgeBaseError, RequestRefused

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("microneedling.web")

#: slug -> (status, title); the documented catalogue of problem types.
PROBLEM_TYPES: dict[str, tuple[int, str]] = {
    "invalid-input": (422, "Invalid input"),
    "refused": (409, "Refused by a clinical or booking rule"),
    "not-found": (404, "Not found"),
    "not-authenticated": (401, "Not signed in"),
    "forbidden": (403, "Not allowed for your role"),
    "csrf": (403, "Missing or wrong CSRF token"),
    "mfa-enrolment-due": (403, "Set up two-factor sign-in first"),
    "too-many-attempts": (429, "Too many failed sign-ins"),
    "too-large": (413, "Request too large"),
    "unsupported-media": (415, "Unsupported media type"),
    "http": (400, "HTTP error"),
    "server-error": (500, "Internal server error"),
}


def problem(
    slug: str,
    detail: str,
    *,
    status: int | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
) -> JSONResponse:
    default_status, title = PROBLEM_TYPES[slug]
    body: dict[str, Any] = {
        "type": f"/problems/{slug}",
        "title": title,
        "status": status or default_status,
        "detail": detail,
        "errors": errors or [],
    }
    if instance:
        body["instance"] = instance
    return JSONResponse(body, status_code=body["status"], media_type=MEDIA_TYPE, headers=headers)


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form"):
        parts = parts[1:] or parts
    return ".".join(parts) or "(request)"


def _invalid(exc: InvalidInput, request: Request) -> JSONResponse:
    slug = "invalid-input"
    if isinstance(exc, SeveralProblems):
        errors = [{"field": p.field, "problem": p.problem} for p in exc.problems]
        summary = "; ".join(p.message for p in exc.problems[:3])
        slug = "refused" if exc.refused else slug
        return problem(slug, summary, errors=errors, instance=request.url.path)
    if isinstance(exc, NotFound):
        slug = "not-found"
    elif isinstance(exc, RequestRefused):
        slug = "refused"
    elif isinstance(exc, TooLarge):
        slug = "too-large"
    elif isinstance(exc, UnsupportedMedia):
        slug = "unsupported-media"
    return problem(
        slug,
        exc.message,
        errors=[{"field": exc.field, "problem": exc.problem}],
        instance=request.url.path,
    )


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem-details response."""

    async def validation(request: Request, exc: Exception) -> JSONResponse:
        # A route's own pydantic model (built from query parameters) fails the same way.
        assert isinstance(exc, RequestValidationError | ValidationError)
        errors = []
        for err in exc.errors():
            message = str(err.get("msg", "is invalid"))
            if err.get("type") == "missing":
                message = "is required but missing"
            elif err.get("type") == "extra_forbidden":
                message = "is not a field this request takes"
            errors.append({"field": _field(err.get("loc", ())), "problem": message})
        summary = "; ".join(f"{e['field']}: {e['problem']}" for e in errors[:3])
        return problem("invalid-input", summary, errors=errors, instance=request.url.path)

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, InvalidInput)
        return _invalid(exc, request)

    async def unauthenticated(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, NotAuthenticated)
        return problem("not-authenticated", exc.problem, headers={"WWW-Authenticate": "Bearer"})

    async def forbidden(request: Request, exc: Exception) -> JSONResponse:
        slugs = {"csrf": "csrf", "mfa_enrolment": "mfa-enrolment-due"}
        slug = slugs.get(str(getattr(exc, "permission", "")), "forbidden")
        return problem(slug, str(exc), instance=request.url.path)

    async def throttled(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, TooManyAttempts)
        return problem(
            "too-many-attempts", str(exc), headers={"Retry-After": str(exc.retry_after_s)}
        )

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        slug = {401: "not-authenticated", 403: "forbidden", 404: "not-found", 413: "too-large"}
        return problem(
            slug.get(exc.status_code, "http"),
            str(exc.detail),
            status=exc.status_code,
            headers=dict(exc.headers or {}),
            instance=request.url.path,
        )

    async def knowledge(request: Request, exc: Exception) -> JSONResponse:
        log.error("knowledge base error: %s", exc)
        return problem("server-error", "the clinical knowledge base could not be loaded")

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem("server-error", "an unexpected error occurred; nothing was saved")

    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(ValidationError, validation)
    app.add_exception_handler(InvalidInput, invalid)
    app.add_exception_handler(NotAuthenticated, unauthenticated)
    app.add_exception_handler(PermissionDenied, forbidden)
    app.add_exception_handler(TooManyAttempts, throttled)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(KnowledgeBaseError, knowledge)
    app.add_exception_handler(Exception, unexpected)
