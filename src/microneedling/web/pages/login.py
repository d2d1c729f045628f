"""Signing in and out of the pages (a cookie session from the clinic's sign-in service)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from microneedling.clinic.errors import NotAuthenticated, TooManyAttempts
from microneedling.clinic.services.signin import SignIn
from microneedling.web.auth import (
    SESSION_COOKIE,
    check_csrf,
    clear_session_cookie,
    client_ip,
    set_session_cookie,
)
from microneedling.web.deps import ClinicDep
from microneedling.web.pages._forms import text
from microneedling.web.pages._render import render
from microneedling.web.pages._route import PageRoute

router = APIRouter(route_class=PageRoute, include_in_schema=False)


def _safe_next(target: str | None) -> str | None:
    # Only paths on this site: "//evil.example" or "https://..." would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@router.get("/login", name="login_form")
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", title="Sign in", form={"next": _safe_next(next) or ""})


@router.post("/login", name="login_submit")
async def login_submit(request: Request, clinic: ClinicDep) -> Response:
    form = await request.form()
    username = text(form, "username") or ""
    password = form.get("password")
    target = _safe_next(text(form, "next"))
    shown = {"username": username, "next": target or ""}
    if not username or not isinstance(password, str) or not password:
        errors = {"username": "Please enter your username and password."}
        return render(request, "login.html", 422, title="Sign in", form=shown, errors=errors)
    try:
        issued = SignIn(clinic).login(username, password, client_ip(request), "cookie")
    except NotAuthenticated as exc:
        errors = {"password": exc.problem[:1].upper() + exc.problem[1:] + "."}
        return render(request, "login.html", 401, title="Sign in", form=shown, errors=errors)
    except TooManyAttempts as exc:
        errors = {"username": f"Too many failed sign-ins. Try again in {exc.retry_after_s} s."}
        return render(
            request,
            "login.html",
            429,
            headers={"Retry-After": str(exc.retry_after_s)},
            title="Sign in",
            form=shown,
            errors=errors,
        )
    response = RedirectResponse(target or str(request.url_for("home").path), 303)
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
