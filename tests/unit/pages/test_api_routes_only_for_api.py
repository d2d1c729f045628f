"""The API's routes are asked only about API addresses, and the answers stay Starlette's.

FastAPI asks an included router's routes one by one; :class:`~microneedling.web.app.ApiRouter`
answers "no match" at once for an address outside ``/api``. That is the answer its routes
would give only while every API path begins with ``/api/``: tested here, with every page's
address asked of the whole app (it must reach the page, not an API route).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi import FastAPI
from starlette.routing import Match

from microneedling.clinic import ClinicSettings
from microneedling.web import create_app
from microneedling.web.app import API_PREFIX, ApiRouter


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = ClinicSettings(
        environment="test",
        secret_key="route-order-test-secret-" + "a" * 40,
        data_dir=tmp_path_factory.mktemp("route-order"),
    )
    return create_app(settings, migrate=False)


def _leaves(app: FastAPI) -> list[Any]:
    """Every route, in the order the app asks them (included routers' too)."""
    found: list[Any] = []
    for route in app.router.routes:
        inner = getattr(route, "effective_route_contexts", None)
        found += list(inner()) if callable(inner) else [route]
    return found


def _scope(path: str, method: str = "GET", root_path: str = "") -> dict[str, Any]:
    return {"type": "http", "method": method, "path": root_path + path,
            "root_path": root_path, "headers": [], "query_string": b""}  # fmt: skip


def _api(app: FastAPI) -> Any:
    routers = app.router.routes
    included = [r for r in routers if isinstance(getattr(r, "original_router", None), ApiRouter)]
    assert len(included) == 1
    return included[0]


def test_every_api_path_is_under_the_prefix(app: FastAPI) -> None:
    api = _api(app)
    paths = [leaf.path for leaf in api.effective_route_contexts()]
    assert len(paths) > 100
    assert all(p.startswith(API_PREFIX + "/") for p in paths)


@pytest.mark.parametrize("root_path", ["", "/clinic"])
def test_the_api_answers_only_for_its_addresses(app: FastAPI, root_path: str) -> None:
    api = _api(app)
    assert api.matches(_scope("/patients/7", root_path=root_path))[0] is Match.NONE
    assert api.matches(_scope("/apix/patients", root_path=root_path))[0] is Match.NONE
    assert api.matches(_scope("/api/patients/7", root_path=root_path))[0] is Match.FULL


def test_every_page_address_still_reaches_its_page(app: FastAPI) -> None:
    pages = [
        leaf for leaf in _leaves(app)
        if getattr(leaf, "path", "").startswith("/") and not leaf.path.startswith(API_PREFIX)
        and getattr(leaf, "methods", None)
    ]  # fmt: skip
    assert len(pages) > 100
    for page in pages:
        address = re.sub(r"{[^}]+}", "1", page.path)
        method = sorted(page.methods)[0]
        for route in app.router.routes:
            match, _ = route.matches(_scope(address, method))
            if match is Match.FULL:
                assert route is not _api(app), address
                break
        else:
            pytest.fail(f"{method} {address} reached no route")
