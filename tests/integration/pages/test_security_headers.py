"""Headers over real HTTP: a strict CSP, no caching of patient data, HSTS, sign-in CSRF.

Before issue 16 there was no Content-Security-Policy, pages carried no Cache-Control, HSTS was
never sent and the sign-in form took a post from anywhere: each test below failed then.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from microneedling.clinic import Clinic, ClinicSettings, Role
from microneedling.clinic.services.staff import StaffIn, create_staff
from microneedling.web import create_app

PASSWORD = "correct horse battery staple"
TEMPLATES = Path(__file__).resolve().parents[3] / "src" / "microneedling" / "web" / "templates"


def _app(tmp_path: Path, **settings: object) -> object:
    clinic = Clinic(
        ClinicSettings(
            environment="test",
            secret_key="headers-test-secret-" + "h" * 40,  # type: ignore[arg-type]
            data_dir=tmp_path,
            cookie_secure=False,  # httpx sends no Secure cookie over plain HTTP
            **settings,  # type: ignore[arg-type]
        )
    )
    clinic.start()
    create_staff(
        clinic,
        StaffIn(username="desk", full_name="Dee Desk", role=Role.FRONT_DESK, password=PASSWORD),
    )
    return create_app(clinic=clinic)


@pytest.fixture
def client(tmp_path: Path, live_server: Callable[[object], str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server(_app(tmp_path)), timeout=30) as http:
        yield http


def _sign_in(client: httpx.Client) -> httpx.Response:
    form = client.get("/login")
    token = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', form.text)
    assert token, "the sign-in form carries a CSRF token"
    return client.post(
        "/login",
        data={"username": "desk", "password": PASSWORD, "csrf_token": token.group(1)},
    )


def test_pages_and_api_carry_a_strict_csp_and_no_store(client: httpx.Client) -> None:
    assert _sign_in(client).status_code == 303
    created = client.post(
        "/api/patients",
        json={"given_name": "Cora", "family_name": "Policy", "date_of_birth": "1980-01-01"},
        headers={"X-CSRF-Token": _csrf(client)},
    )
    assert created.status_code == 201, created.text
    patient = created.json()["id"]
    for path in ("/login", "/patients?q=Cora", f"/patients/{patient}", f"/api/patients/{patient}"):
        response = client.get(path)
        assert response.status_code == 200, path
        csp = response.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert directives["script-src"] == "'self'", path
        assert directives["style-src"] == "'self'", path
        assert directives["frame-ancestors"] == "'none'"
        assert "unsafe-" not in csp
        assert response.headers["cache-control"] == "no-store", path
    # Static assets hold no patient data and may be cached.
    assert client.get("/static/css/clinic.css").headers["cache-control"] != "no-store"
    assert "strict-transport-security" not in client.get("/login").headers  # plain HTTP


def _csrf(client: httpx.Client) -> str:
    page = client.get("/patients")
    found = re.search(r'"X-CSRF-Token": "([0-9a-f]{64})"', page.text)
    assert found
    return found.group(1)


def test_the_sign_in_form_refuses_a_post_without_its_csrf_token(client: httpx.Client) -> None:
    forged = client.post("/login", data={"username": "desk", "password": PASSWORD})
    assert forged.status_code == 403
    assert "mn_session" not in forged.cookies
    assert "expired or came from elsewhere" in forged.text
    client.get("/login")  # the browser now holds the sign-in cookie, but not a token
    wrong = client.post("/login", data={"username": "desk", "password": PASSWORD,
                                        "csrf_token": "0" * 64})  # fmt: skip
    assert wrong.status_code == 403
    assert _sign_in(client).status_code == 303


def test_hsts_only_over_https_as_a_trusted_proxy_reports_it(
    tmp_path: Path, live_server: Callable[[object], str]
) -> None:
    app = _app(tmp_path, trusted_proxies=["127.0.0.1/32"], hsts_max_age_seconds=86400)
    with httpx.Client(base_url=live_server(app), timeout=30) as http:
        https = http.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert https.headers["strict-transport-security"] == "max-age=86400; includeSubDomains"
        assert "strict-transport-security" not in http.get("/login").headers


def test_hsts_is_not_sent_when_an_untrusted_client_claims_https(client: httpx.Client) -> None:
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "strict-transport-security" not in response.headers


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\bhx-on\b|javascript:", re.I), "script in an attribute"),
]


def _without_comments(path: Path) -> str:
    return re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)


def test_no_template_has_inline_script_or_style() -> None:
    found = [
        f"{path.name}: {what}"
        for path in sorted(TEMPLATES.glob("*.html"))
        for pattern, what in INLINE
        if pattern.search(_without_comments(path))
    ]
    assert found == []
