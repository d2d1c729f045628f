"""A page asked for with an impossible address answers with a page, never JSON or a 500.

Signed in by cookie (as a browser is) against the real app under uvicorn.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import httpx
import pytest
from fastapi.routing import APIRoute

import microneedling.web.pages as pages_package
from microneedling.clinic.services.signin import SignIn
from microneedling.web.auth import SESSION_COOKIE, csrf_token

if TYPE_CHECKING:
    from clinic_support import ApiWorld

#: Past PostgreSQL's integer key, past SQLite's 64-bit integer, and below the first id.
OUT_OF_RANGE = ("2147483648", "99999999999999999999", "0")
PASSWORD = "correct horse battery staple"


def _page_routes() -> list[tuple[str, str]]:
    import importlib
    import pkgutil

    found: list[tuple[str, str]] = []
    for info in pkgutil.iter_modules(pages_package.__path__):
        module = importlib.import_module(f"{pages_package.__name__}.{info.name}")
        for route in getattr(getattr(module, "router", None), "routes", []):
            if isinstance(route, APIRoute) and re.search(r"\{\w+_id\}|\{number\}", route.path):
                found += [(method, route.path) for method in route.methods or ()]
    return sorted(found)


ID_PAGES = _page_routes()


@pytest.fixture(scope="module")
def admin_session(api_world: ApiWorld) -> tuple[str, str]:
    """An admin's cookie session and its CSRF token, signed in once per module and backend:
    each sign-in checks an Argon2 hash (slow on purpose), and these tests only read pages."""
    issued = SignIn(api_world.clinic).login("admin", PASSWORD, None, "cookie")
    return issued.token, csrf_token(api_world.clinic, issued.token)


@pytest.fixture
def browser(
    api_world: ApiWorld, admin_session: tuple[str, str]
) -> Iterator[tuple[httpx.Client, str]]:
    """A fresh client with the admin's session cookie, and the session's CSRF token."""
    token, csrf = admin_session
    with httpx.Client(base_url=api_world.client.base_url, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, token)
        yield client, csrf


def _is_page(response: httpx.Response) -> bool:
    return response.headers["content-type"].startswith("text/html")


def test_every_id_page_is_checked() -> None:
    assert len(ID_PAGES) >= 35


@pytest.mark.parametrize(("method", "path"), ID_PAGES, ids=[f"{m} {p}" for m, p in ID_PAGES])
def test_an_id_out_of_range_is_a_page_saying_the_address_is_not_valid(
    browser: tuple[httpx.Client, str], method: str, path: str
) -> None:
    client, csrf = browser
    for value in OUT_OF_RANGE:
        url = re.sub(r"\{\w+\}", value, path)
        data = {"csrf_token": csrf} if method == "POST" else None
        response = client.request(method, url, data=data)
        assert response.status_code == 422, (url, response.text[:300])
        assert _is_page(response), url
        assert "That address is not valid" in response.text


@pytest.mark.parametrize("path", ["/patients", "/admin/audit"])
def test_an_offset_out_of_range_is_a_page(browser: tuple[httpx.Client, str], path: str) -> None:
    client, _ = browser
    response = client.get(path, params={"offset": "99999999999999999999"})
    assert response.status_code == 422, response.text[:300]
    assert _is_page(response)
    assert "offset" in response.text


@pytest.mark.parametrize(("day", "status"), [("2100-12-31", 200), ("9999-12-31", 422)])
def test_the_schedule_is_kept_up_to_the_last_plannable_day(
    browser: tuple[httpx.Client, str], day: str, status: int
) -> None:
    client, _ = browser
    response = client.get("/schedule", params={"day": day})
    assert response.status_code == status, response.text[:300]
    assert _is_page(response)


def test_an_unexpected_error_on_a_page_is_a_page_and_on_the_api_a_problem(
    api_world: ApiWorld, live_server: Callable[[object], str]
) -> None:
    from fastapi import APIRouter

    from microneedling.web import create_app
    from microneedling.web.pages._route import PageRoute

    def broken() -> None:
        raise RuntimeError("a bug in a page")

    app = create_app(clinic=api_world.clinic, migrate=False)
    page_router = APIRouter(route_class=PageRoute)
    page_router.add_api_route("/broken-page", broken)
    app.include_router(page_router)
    app.add_api_route("/api/broken", broken)
    with httpx.Client(base_url=live_server(app), timeout=60) as client:
        page = client.get("/broken-page")
        assert page.status_code == 500
        assert _is_page(page)
        assert "nothing was saved" in page.text
        assert "a bug in a page" not in page.text
        api = client.get("/api/broken")
        assert api.status_code == 500
        assert api.headers["content-type"] == "application/problem+json"
        assert api.json()["type"] == "/problems/server-error"


def test_a_reason_too_long_for_a_cancellation_is_a_page(
    api_world: ApiWorld, browser: tuple[httpx.Client, str]
) -> None:
    client, csrf = browser
    appointment = api_world.ids["follow_up"]
    response = client.post(
        f"/appointments/{appointment}/status",
        data={"csrf_token": csrf, "action": "cancel", "reason": "x" * 5000},
    )
    assert response.status_code == 422, response.text[:300]
    assert _is_page(response)
    assert "reason" in response.text
