"""How a patient's request is let in: their link's token in a cookie of its own, CSRF on posts.

Opening ``/p/<token>`` checks the link and moves the token into the ``mn_patient`` cookie
(HttpOnly, path ``/p``, SameSite=Lax so the first navigation from a mail or a QR code carries
it), then redirects to the link's page, so the token leaves the address bar. Every patient page
opens the link again (:meth:`~microneedling.clinic.services.patient_links.PatientLinks.open`),
which counts it against the rate limits. The staff sign-in never reads this cookie and the
patient pages never read the staff one, so neither opens the other's routes.

Every failure a patient could meet on a link (unknown, expired, revoked, spent, another scope,
another patient's record) is the same 404 page, which names nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from microneedling.clinic.actor import PatientActor
from microneedling.clinic.clinic import Clinic
from microneedling.clinic.errors import NotFound
from microneedling.clinic.locations import clinic_name as profile_name
from microneedling.clinic.services.patient_links import (
    LinkUnusable,
    PatientLinks,
    TooManyLinkRequests,
)
from microneedling.web.auth import CSRF_FIELD, SAFE_METHODS, client_ip
from microneedling.web.pages._render import PageContext, render

PATIENT_COOKIE = "mn_patient"
COOKIE_PATH = "/p"
Handler = Callable[[Request], Coroutine[Any, Any, Response]]
log = logging.getLogger("microneedling.web")
#: Patient pages hold health data: never cached, never sent on as a referrer.
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


class CsrfRefused(Exception):
    """A patient form posted without the token of its link."""


def _clinic(request: Request) -> Clinic:
    clinic = request.app.state.clinic
    assert isinstance(clinic, Clinic)
    return clinic


def patient_csrf(clinic: Clinic, token: str) -> str:
    """The CSRF token of a patient link (an HMAC of the link's token under the secret key)."""
    key = clinic.settings.secret_key.get_secret_value().encode("utf-8")
    return hmac.new(key, b"patient-csrf:" + token.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass
class PatientVisit:
    """A request through a usable link: the patient acting, and the page context."""

    actor: PatientActor
    clinic: Clinic
    ctx: PageContext


def page_context(request: Request, clinic: Clinic, csrf: str | None = None) -> PageContext:
    return PageContext(request=request, csrf_token=csrf, clinic_name=profile_name(clinic))


async def visit(request: Request, scopes: frozenset[str]) -> PatientVisit:
    """The patient behind the request's cookie, for a page of one of ``scopes``."""
    clinic = _clinic(request)
    token = request.cookies.get(PATIENT_COOKIE)
    if not token:
        raise LinkUnusable()
    actor = PatientLinks(clinic).open(token, scopes, client_ip(request))
    csrf = patient_csrf(clinic, token)
    if request.method not in SAFE_METHODS:
        form = await request.form()
        sent = form.get(CSRF_FIELD)
        if not isinstance(sent, str) or not hmac.compare_digest(sent, csrf):
            raise CsrfRefused()
    return PatientVisit(actor, clinic, page_context(request, clinic, csrf))


def set_patient_cookie(response: Response, clinic: Clinic, token: str) -> None:
    response.set_cookie(
        PATIENT_COOKIE,
        token,
        httponly=True,
        secure=clinic.settings.secure_cookies,
        samesite="lax",
        path=COOKIE_PATH,
    )


def nothing_here(request: Request) -> Response:
    """The one answer to every unusable link: no patient, no reason."""
    ctx = page_context(request, _clinic(request))
    return render(ctx, "patient_gone.html", 404, PRIVATE, title="This link does not work")


class PatientRoute(APIRoute):
    """Patient pages: link failures are the 404 page, limits a 429 page, nothing else leaks."""

    def get_route_handler(self) -> Handler:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await inner(request)
            except (LinkUnusable, NotFound, RequestValidationError):
                return nothing_here(request)
            except TooManyLinkRequests as exc:
                ctx = page_context(request, _clinic(request))
                headers = PRIVATE | {"Retry-After": str(exc.retry_after_s)}
                detail = "Too many tries. Please wait a while and try again."
                return render(
                    ctx, "patient_gone.html", 429, headers, title="Please wait", detail=detail
                )
            except CsrfRefused:
                ctx = page_context(request, _clinic(request))
                detail = "This form had expired. Open your link again."
                return render(
                    ctx,
                    "patient_gone.html",
                    403,
                    PRIVATE,
                    title="Please start again",
                    detail=detail,
                )
            except HTTPException:
                raise
            except Exception:
                log.exception("unhandled error on a patient page")
                ctx = page_context(request, _clinic(request))
                detail = "Nothing was saved. Please try again, or call the clinic."
                return render(
                    ctx, "patient_gone.html", 500, PRIVATE, title="Something went wrong",
                    detail=detail,
                )  # fmt: skip
            for name, value in PRIVATE.items():
                response.headers.setdefault(name, value)
            return response

        return handler
