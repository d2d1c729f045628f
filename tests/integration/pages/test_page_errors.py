"""A page asked for with an impossible address answers with a page, never JSON or a 500.

Signed in by cookie (as a browser is) against the real app under uvicorn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
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


@pytest.fixture
def browser(api_world: ApiWorld) -> Iterator[tuple[httpx.Client, str]]:
    """A client with an admin's session cookie, and the session's CSRF token."""
    issued = SignIn(api_world.clinic).login("admin", PASSWORD, None, "cookie")
    with httpx.Client(base_url=api_world.client.base_url, timeout=60) as client:
        client.cookies.set(SESSION_COOKIE, issued.token)
        yield client, csrf_token(api_world.clinic, issued.token)


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
