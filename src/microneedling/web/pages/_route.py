"""Errors on a page become pages: a sign-in redirect, a plain 403, 404 or 500, never JSON.

The app's handlers answer the API in problem details; a person in a browser needs a page
instead. Every page route uses :class:`PageRoute`, which catches the clinic's errors around
the whole request (dependencies included) and renders them for people; an unexpected error is
logged with its traceback and shown as a 500 page that gives nothing of it away.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from microneedling.clinic.errors import (
    MfaEnrolmentDue,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)
from microneedling.errors import InvalidInput, KnowledgeBaseError
from microneedling.web.pages._render import render_error

Handler = Callable[[Request], Coroutine[Any, Any, Response]]
log = logging.getLogger("microneedling.web")
#: What a person is told when a page fails unexpectedly (the API's server-error wording).
UNEXPECTED = "an unexpected error occurred; nothing was saved"


def to_login(request: Request) -> Response:
    """Send the browser to sign in, then back to where it was going."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    login = f"{request.url_for('login_form').path}?next={quote(target, safe='')}"
    return _redirect(request, login)


def _redirect(request: Request, target: str) -> Response:
    if request.headers.get("HX-Request"):
        # htmx swaps responses into the page; a redirect must replace the whole page.
        return Response(status_code=204, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


class PageRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                return await inner(request)
            except NotAuthenticated:
                return to_login(request)
            except MfaEnrolmentDue:
                # A role that must use MFA sets it up before anything else.
                return _redirect(request, str(request.url_for("account_mfa").path))
            except PermissionDenied as exc:
                return render_error(request, 403, "Not allowed for your role", str(exc))
            except NotFound as exc:
                return render_error(request, 404, "Not found", exc.problem)
            except RequestValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()
                )
                return render_error(request, 422, "That address is not valid", problems)
            except InvalidInput as exc:
                return render_error(request, 400, "That could not be done", exc.message)
            except ValidationError as exc:
                # A page building a model from what was posted (a reason too long, say).
                problems = "; ".join(
                    f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
                )
                return render_error(request, 422, "That could not be done", problems)
            except HTTPException:
                raise  # the app's handler already answers these with their own status
            except KnowledgeBaseError as exc:
                log.error("knowledge base error: %s", exc)
                detail = "the clinical knowledge base could not be loaded"
                return render_error(request, 500, "Something went wrong", detail)
            except Exception:
                log.exception("unhandled error on %s", request.url.path)
                return render_error(request, 500, "Something went wrong", UNEXPECTED)

        return handler
