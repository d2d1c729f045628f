"""Browser tests: the real app under uvicorn, driven by Chromium.

The server runs in a thread (a fresh SQLite clinic in a temporary data dir) on a free
loopback port and is stopped after the module. Chromium is Debian's (/usr/bin/chromium), never
a downloaded build. Playwright's sync API runs its own event loop: it lives in one
session-scoped fixture so it is started and closed once, outside any test's warnings check.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from clinic_server import build
from e2e_helpers import CLOCK_SHIFT
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from clinic_support import free_port, start_uvicorn

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: A treatment-room tablet in landscape; most screenshots are taken at this size.
TABLET = {"width": 1180, "height": 820}


@pytest.fixture(scope="module")
def server_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory (SQLite file, photos) of the module's clinic server."""
    return tmp_path_factory.mktemp("clinic-data")


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, server_data_dir: Path) -> Iterator[str]:
    """Base URL of a fresh clinic (one per test module). A module may set ``CLINIC_TIMEZONE``
    and ``CLINIC_OPENING_HOURS`` for a clinic of its own kind (default: UTC, always open), and
    ``CLINIC_ENV`` (a dict of ``MICRONEEDLING_*`` settings) for any other setting,
    and ``CLINIC_SEED = "walk"`` for the demo clinic with patient links (``walk_seed.py``).

    Served by uvicorn in a thread of this process: a server process of its own would import
    the whole app again for each module (docs/testing.md has the measurement)."""
    port = free_port()
    with pytest.MonkeyPatch.context() as env:
        # The settings are read from the environment as a server process would read its own:
        # only the module's, none of this machine's.
        for name in [k for k in os.environ if k.startswith("MICRONEEDLING_")] + ["DATABASE_URL"]:
            env.delenv(name, raising=False)
        for name, value in getattr(request.module, "CLINIC_ENV", {}).items():
            env.setenv(name, value)
        clinic, app = build(
            port,
            server_data_dir,
            CLOCK_SHIFT.total_seconds(),
            getattr(request.module, "CLINIC_TIMEZONE", "UTC"),
            getattr(request.module, "CLINIC_OPENING_HOURS", "mon-sun 00:00-23:59"),
            getattr(request.module, "CLINIC_SEED", ""),
        )
    url, stop = start_uvicorn(app, port)
    try:
        yield url
    finally:
        stop()
        clinic.db.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install Debian's chromium package")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, server: str) -> Iterator[Callable[..., Page]]:
    """Open a fresh browser context (own cookies) at tablet size; closed after the test."""
    contexts = []
    violations: list[str] = []

    def watch(message: ConsoleMessage) -> None:
        # Chromium reports every refusal by the Content-Security-Policy on the console.
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    def open_page(**options: object) -> Page:
        options.setdefault("viewport", TABLET)
        context = browser.new_context(base_url=server, **options)  # type: ignore[arg-type]
        context.set_default_timeout(10_000)
        context.on("console", watch)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
    assert violations == [], "the page broke its Content-Security-Policy"
