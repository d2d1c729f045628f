"""Signing in and out of the pages (a cookie session from the clinic's sign-in service)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from microneedling.clinic.errors import CodeRequired, NotAuthenticated, TooManyAttempts
from microneedling.clinic.services.signin import SignIn
from microneedling.web.auth import (
    CHALLENGE_COOKIE,
    CSRF_FIELD,
    SESSION_COOKIE,
    check_csrf,
    clear_challenge_cookie,
    clear_session_cookie,
    client_ip,
    login_csrf_ok,
    login_csrf_token,
    login_nonce,
    set_challenge_cookie,
    set_login_cookie,
    set_session_cookie,
)
from microneedling.web.deps import ClinicDep
from microneedling.web.pages._forms import text
from microneedling.web.pages._render import PageContext, clinic_name, render
from microneedling.web.pages._route import PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _safe_next(target: str | None) -> str | None:
    # Only paths on this site: "//evil.example" or "https://..." would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


def _login_page(
    request: Request,
    clinic: ClinicDep,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    template: str = "login.html",
    **data: object,
) -> Response:
    """The sign-in form (or its code step) with its CSRF token, and the cookie it is
    checked against."""
    nonce = login_nonce(request)
    ctx = PageContext(
        request=request,
        csrf_token=login_csrf_token(clinic, nonce),
        clinic_name=clinic_name(request),
    )
    response = render(ctx, template, status_code, headers, title="Sign in", **data)
    set_login_cookie(response, clinic, nonce)
    return response


@router.get("/login", name="login_form")
def login_form(request: Request, clinic: ClinicDep, next: str | None = None) -> Response:
    return _login_page(request, clinic, form={"next": _safe_next(next) or ""})


@router.post("/login", name="login_submit")
async def login_submit(request: Request, clinic: ClinicDep) -> Response:
    # Not ``submit``: sign-in answers 401, 403 and 429 (throttled, with Retry-After), may ask
    # for a code, and sets cookies; no service input is validated here.
    form = await request.form()
    username = text(form, "username") or ""
    password = form.get("password")
    target = _safe_next(text(form, "next"))
    shown = {"username": username, "next": target or ""}
    if not login_csrf_ok(clinic, request, text(form, CSRF_FIELD)):
        errors = {"username": "This sign-in form has expired or came from elsewhere; try again."}
        return _login_page(request, clinic, 403, form=shown, errors=errors)
    if not username or not isinstance(password, str) or not password:
        errors = {"username": "Please enter your username and password."}
        return _login_page(request, clinic, 422, form=shown, errors=errors)
    try:
        issued = SignIn(clinic).login(username, password, client_ip(request), "cookie")
    except CodeRequired as exc:
        response = _login_page(request, clinic, template="login_code.html", form=shown)
        set_challenge_cookie(response, clinic, exc.challenge)
        return response
    except NotAuthenticated as exc:
        errors = {"password": exc.problem[:1].upper() + exc.problem[1:] + "."}
        return _login_page(request, clinic, 401, form=shown, errors=errors)
    except TooManyAttempts as exc:
        errors = {"username": f"Too many failed sign-ins. Try again in {exc.retry_after_s} s."}
        return _login_page(
            request, clinic, 429, {"Retry-After": str(exc.retry_after_s)}, form=shown, errors=errors
        )
    response = RedirectResponse(target or str(request.url_for("home").path), 303)
    set_session_cookie(response, clinic, issued)
    return response


@router.post("/login/code", name="login_code_submit")
async def login_code_submit(request: Request, clinic: ClinicDep) -> Response:
    """The second step: the one-time code (or a recovery code) after the right password."""
    # Not ``submit``, as for the first step: 401/403/429 answers and cookies.
    form = await request.form()
    code = text(form, "code") or ""
    target = _safe_next(text(form, "next"))
    shown = {"next": target or ""}
    challenge = request.cookies.get(CHALLENGE_COOKIE)
    if not login_csrf_ok(clinic, request, text(form, CSRF_FIELD)) or not challenge:
        errors = {"username": "This sign-in has expired or came from elsewhere; sign in again."}
        return _login_page(request, clinic, 403, form=shown, errors=errors)
    if not code:
        errors = {"code": "Please enter the code your authenticator app shows."}
        return _login_page(
            request, clinic, 422, template="login_code.html", form=shown, errors=errors
        )
    try:
        issued = SignIn(clinic).complete(challenge, code, client_ip(request), "cookie")
    except TooManyAttempts as exc:
        errors = {"code": f"Too many failed sign-ins. Try again in {exc.retry_after_s} s."}
        return _login_page(
            request, clinic, 429, {"Retry-After": str(exc.retry_after_s)},
            template="login_code.html", form=shown, errors=errors,
        )  # fmt: skip
    except NotAuthenticated as exc:
        errors = {"code": exc.problem[:1].upper() + exc.problem[1:] + "."}
        return _login_page(
            request, clinic, 401, template="login_code.html", form=shown, errors=errors
        )
    response = RedirectResponse(target or str(request.url_for("home").path), 303)
    clear_challenge_cookie(response, clinic)
    set_session_cookie(response, clinic, issued)
    return response


@router.post("/logout", name="logout")
async def logout(request: Request, clinic: ClinicDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    response = RedirectResponse(str(request.url_for("login_form").path), 303)
    if token:
        await check_csrf(request, clinic, token)
        SignIn(clinic).logout(token)
    clear_session_cookie(response, clinic)
    return response
