"""Browser tests: the real app under uvicorn in its own process, driven by Chromium.

The server runs in a subprocess (a fresh SQLite clinic in a temporary data dir) on a free
loopback port and is stopped after the module. Chromium is Debian's (/usr/bin/chromium), never
a downloaded build. Playwright's sync API runs its own event loop: it lives in one
session-scoped fixture so it is started and closed once, outside any test's warnings check.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from e2e_helpers import CLOCK_SHIFT
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
#: A treatment-room tablet in landscape; most screenshots are taken at this size.
TABLET = {"width": 1180, "height": 820}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the clinic server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/login", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the clinic server did not answer at {url} within {timeout_s} s")


@pytest.fixture(scope="module")
def server_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory (SQLite file, photos) of the module's clinic server."""
    return tmp_path_factory.mktemp("clinic-data")


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, server_data_dir: Path) -> Iterator[str]:
    """Base URL of a fresh clinic (one per test module). A module may set ``CLINIC_TIMEZONE``
    and ``CLINIC_OPENING_HOURS`` for a clinic of its own kind (default: UTC, always open), and
    ``CLINIC_ENV`` (a dict of ``MICRONEEDLING_*`` settings) for any other setting."""
    data_dir = server_data_dir
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICRONEEDLING_")}
    env.pop("DATABASE_URL", None)
    env |= getattr(request.module, "CLINIC_ENV", {})
    log = (data_dir / "server.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            str(HERE / "clinic_server.py"),
            str(port),
            str(data_dir),
            str(CLOCK_SHIFT.total_seconds()),
            getattr(request.module, "CLINIC_TIMEZONE", "UTC"),
            getattr(request.module, "CLINIC_OPENING_HOURS", "mon-sun 00:00-23:59"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


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
