"""Every page is documented, named apart from the API, and served with local assets only."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.routing import APIRoute

import microneedling.web.api as api_package
import microneedling.web.pages as pages_package
import microneedling.web.patient as patient_package
from microneedling.clinic import ClinicSettings
from microneedling.web import create_app
from microneedling.web.pages._assets import htmx_path

ROOT = Path(__file__).resolve().parents[3]
DOC = ROOT / "docs" / "web.md"


def _routes(package: object) -> list[APIRoute]:
    found: list[APIRoute] = []
    for info in pkgutil.iter_modules(package.__path__):  # type: ignore[attr-defined]
        module = importlib.import_module(f"{package.__name__}.{info.name}")  # type: ignore[attr-defined]
        router = getattr(module, "router", None)
        if router is not None:
            found += [r for r in router.routes if isinstance(r, APIRoute)]
    return found


PAGE_ROUTES = _routes(pages_package) + _routes(patient_package)


def test_pages_are_found() -> None:
    assert len(PAGE_ROUTES) > 40


@pytest.mark.parametrize(
    "route", PAGE_ROUTES, ids=lambda r: f"{sorted(r.methods or {'GET'})[0]} {r.path}"
)
def test_every_page_route_is_documented(route: APIRoute) -> None:
    path = route.path.replace("{path:path}", "{path}")
    method = sorted(route.methods or {"GET"})[0]
    assert f"| {method} | `{path}` |" in DOC.read_text(encoding="utf-8"), (
        f"{method} {path} is not in docs/web.md"
    )


def test_page_route_names_do_not_clash_with_the_api() -> None:
    # url_for() by name would otherwise link a page to a JSON route.
    api_names = {r.name for r in _routes(api_package)}
    page_names = [r.name for r in PAGE_ROUTES]
    assert len(page_names) == len(set(page_names))
    assert api_names & set(page_names) == set()


def test_every_screenshot_in_the_docs_exists() -> None:
    linked = re.findall(r"\]\((screenshots/[^)]+\.png)\)", DOC.read_text(encoding="utf-8"))
    assert linked
    missing = [name for name in linked if not (DOC.parent / name).is_file()]
    assert missing == []


@pytest.fixture
def client(tmp_path: Path, live_server: Callable[[object], str]) -> Iterator[httpx.Client]:
    """The real app under uvicorn (the shared live_server fixture), a fresh SQLite clinic."""
    settings = ClinicSettings(
        environment="test",
        secret_key="pages-test-secret-" + "p" * 40,
        data_dir=tmp_path,
    )
    with httpx.Client(base_url=live_server(create_app(settings))) as http:
        yield http


def test_sign_in_page_uses_only_local_assets(client: httpx.Client) -> None:
    page = client.get("/login")
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources
    own = str(client.base_url).rstrip("/")
    assert all(s.startswith(("/", "#", own + "/")) for s in sources), sources
    assert client.get("/static/css/clinic.css").status_code == 200


def test_htmx_is_installed_and_served(client: httpx.Client) -> None:
    assert htmx_path() is not None, "run `npm ci` in the repository root to install htmx"
    response = client.get("/static/vendor/htmx.min.js")
    assert response.status_code == 200
    assert "htmx" in response.text[:2000]


@pytest.mark.parametrize("path", ["/static/../app.py", "/static/%2e%2e/app.py", "/static/css"])
def test_static_files_stay_in_their_folder(client: httpx.Client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_a_page_without_a_session_goes_to_sign_in_and_back(client: httpx.Client) -> None:
    response = client.get("/patients?q=ada")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fpatients%3Fq%3Dada"


def test_sign_in_refuses_a_foreign_next_address(client: httpx.Client) -> None:
    page = client.get("/login?next=//evil.example/x")
    assert 'name="next" value=""' in page.text
