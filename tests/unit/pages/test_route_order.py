"""Pages are matched before the API, and no API address can reach a page.

The app asks its routes in order; the pages come first (they are most of what staff load, and
the API's routes were each tried before any page). That is only safe while no page path could
match an API address: none begins with ``/api`` or with a parameter.
"""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from starlette.routing import compile_path

from microneedling.clinic import ClinicSettings
from microneedling.web import create_app
from microneedling.web.app import API_PREFIX


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    settings = ClinicSettings(
        environment="test",
        secret_key="route-order-test-secret-" + "a" * 40,
        data_dir=tmp_path_factory.mktemp("route-order"),
    )
    return create_app(settings, migrate=False)


def _paths(app: FastAPI) -> list[str]:
    """Every route's path, in the order the app asks them (included routers' too), less
    FastAPI's own three (the OpenAPI document and its viewer, added first by FastAPI)."""
    own = {app.openapi_url, app.docs_url, app.swagger_ui_oauth2_redirect_url}
    found: list[str] = []
    for route in app.router.routes:
        inner = getattr(route, "effective_route_contexts", None)
        for leaf in inner() if callable(inner) else [route]:
            path = getattr(leaf, "path", None)
            if isinstance(path, str) and path not in own:
                found.append(path)
    return found


def test_pages_come_before_the_api(app: FastAPI) -> None:
    paths = _paths(app)
    first_api = next(i for i, p in enumerate(paths) if p.startswith(API_PREFIX + "/"))
    assert "/patients/{patient_id}" in paths[:first_api]
    assert "/schedule" in paths[:first_api]
    assert all(p.startswith(API_PREFIX) for p in paths[first_api:] if p != "/static")


def test_no_api_address_matches_a_page(app: FastAPI) -> None:
    paths = _paths(app)
    api = [p for p in paths if p.startswith(API_PREFIX + "/")]
    pages = [p for p in paths if not p.startswith(API_PREFIX + "/")]
    assert len(api) > 100
    assert len(pages) > 100
    for page in pages:
        assert not page.startswith(API_PREFIX)
        assert not page.startswith("/{"), page
        regex, _, _ = compile_path(page)
        for address in api:
            concrete = re.sub(r"{[^}]+}", "1", address)
            assert regex.match(concrete) is None, (page, address)
