"""Who is calling: bearer tokens (API clients) and cookie sessions with CSRF (pages).

A request authenticates with ``Authorization: Bearer <token>`` or with the session cookie.
Cookie-authenticated requests that change something (POST, PUT, PATCH, DELETE) must also carry
the CSRF token, in the ``X-CSRF-Token`` header or a ``csrf_token`` form field: the token is an
HMAC of the session token under the secret key, so a page from another site cannot forge it.
Pages call :func:`csrf_token` to put it in their forms and :func:`set_session_cookie` after a
successful :meth:`~microneedling.clinic.services.signin.SignIn.login` with ``kind="cookie"``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import Request, Response

from microneedling.clinic.actor import Actor
from microneedling.clinic.clinic import Clinic
from microneedling.clinic.errors import NotAuthenticated, PermissionDenied
from microneedling.clinic.services.signin import CHALLENGE_MINUTES, IssuedToken, SignIn
from microneedling.web.forwarded import resolve_client

SESSION_COOKIE = "mn_session"
#: The password check of a two-step sign-in, while the page asks for the one-time code.
CHALLENGE_COOKIE = "mn_mfa"
#: A random nonce set with the sign-in form; the form's CSRF token is its HMAC (no session yet).
LOGIN_COOKIE = "mn_signin"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfFailed(PermissionDenied):
    def __init__(self) -> None:
        Exception.__init__(self, "missing or wrong CSRF token")
        self.role = "any"
        self.permission = "csrf"


def client_ip(request: Request) -> str | None:
    """The client's address (see :mod:`microneedling.web.forwarded` for proxies)."""
    peer = request.client.host if request.client else None
    clinic = getattr(request.app.state, "clinic", None)
    trusted = clinic.settings.trusted_proxies if isinstance(clinic, Clinic) else []
    return resolve_client(peer, request.headers.getlist("x-forwarded-for"), trusted)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def csrf_token(clinic: Clinic, session_token: str) -> str:
    """The CSRF token that goes with a cookie session (stable for the session's life)."""
    key = clinic.settings.secret_key.get_secret_value().encode("utf-8")
    return hmac.new(key, b"csrf:" + session_token.encode("utf-8"), hashlib.sha256).hexdigest()


def login_csrf_token(clinic: Clinic, nonce: str) -> str:
    """The sign-in form's CSRF token: an HMAC of the nonce in the browser's sign-in cookie.

    The cookie is SameSite=Strict, so a form posted from another site arrives without it and
    is refused (login CSRF: signing a victim into the attacker's account).
    """
    key = clinic.settings.secret_key.get_secret_value().encode("utf-8")
    return hmac.new(key, b"login:" + nonce.encode("utf-8"), hashlib.sha256).hexdigest()


def login_nonce(request: Request) -> str:
    """The browser's sign-in nonce, or a new one (set it with :func:`set_login_cookie`)."""
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    return nonce if 32 <= len(nonce) <= 64 else secrets.token_urlsafe(32)


def login_csrf_ok(clinic: Clinic, request: Request, sent: str | None) -> bool:
    nonce = request.cookies.get(LOGIN_COOKIE)
    if not nonce or not sent:
        return False
    return hmac.compare_digest(sent, login_csrf_token(clinic, nonce))


def _signin_cookie(response: Response, clinic: Clinic, name: str, value: str, max_age: int) -> None:
    """A cookie only the sign-in pages see: HttpOnly, SameSite=Strict, path /login."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        secure=clinic.settings.secure_cookies,
        samesite="strict",
        path="/login",
    )


def set_login_cookie(response: Response, clinic: Clinic, nonce: str) -> None:
    _signin_cookie(response, clinic, LOGIN_COOKIE, nonce, 3600)


def set_challenge_cookie(response: Response, clinic: Clinic, challenge: str) -> None:
    """Keep a two-step sign-in's challenge for the code form, as long as it stands."""
    _signin_cookie(response, clinic, CHALLENGE_COOKIE, challenge, CHALLENGE_MINUTES * 60)


def clear_challenge_cookie(response: Response, clinic: Clinic) -> None:
    response.delete_cookie(
        CHALLENGE_COOKIE,
        path="/login",
        httponly=True,
        secure=clinic.settings.secure_cookies,
        samesite="strict",
    )


async def check_csrf(request: Request, clinic: Clinic, session_token: str) -> None:
    """Refuse a state-changing cookie request without the matching CSRF token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, csrf_token(clinic, session_token)):
        raise CsrfFailed()


async def authenticate(request: Request, clinic: Clinic, *, enrolling: bool = False) -> Actor:
    """The actor behind a request, by bearer token or by session cookie (with CSRF).

    ``enrolling``: the request sets up the caller's own authenticator, which an account that
    must use MFA may do before anything else.
    """
    ip = client_ip(request)
    token = bearer_token(request)
    if token is not None:
        return SignIn(clinic).authenticate(token, "api", ip, enrolling=enrolling)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        actor = SignIn(clinic).authenticate(cookie, "cookie", ip, enrolling=enrolling)
        await check_csrf(request, clinic, cookie)
        return actor
    raise NotAuthenticated("sign in first: send 'Authorization: Bearer <token>'")


def set_session_cookie(response: Response, clinic: Clinic, issued: IssuedToken) -> None:
    """Attach the session cookie: HttpOnly, SameSite=Strict, Secure outside development."""
    response.set_cookie(
        SESSION_COOKIE,
        issued.token,
        expires=issued.expires_at,
        httponly=True,
        secure=clinic.settings.secure_cookies,
        samesite="strict",
        path="/",
    )


def clear_session_cookie(response: Response, clinic: Clinic) -> None:
    response.delete_cookie(
        SESSION_COOKIE, httponly=True, secure=clinic.settings.secure_cookies, samesite="strict"
    )
