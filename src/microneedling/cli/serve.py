"""``microneedling serve``: the clinic app (JSON API and pages) on the embedded database."""

from __future__ import annotations

import copy
import logging
import os
from pathlib import Path
from typing import Annotated, Any

import typer
import uvicorn
from rich.console import Console
from rich.table import Table

from microneedling.cli._app import command
from microneedling.cli.db import open_clinic
from microneedling.clinic.demo import DemoAccount, seed_demo
from microneedling.clinic.services.staff import staff_count
from microneedling.errors import InvalidInput

console = Console(highlight=False)
#: The web layer's app factory, which uvicorn imports and calls.
APP_FACTORY = "microneedling.web.app:create_served_app"


class PathOnly(logging.Filter):
    """Drops the query string from uvicorn's access log lines.

    Searches carry patients' names and dates of birth in the query
    (``/api/patients?name=...&born_on=...``); the log keeps the path, method and status.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn's access record args: (client, method, path with query, HTTP version, status)
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], args[2].split("?", 1)[0], args[3], args[4])
        return True


def log_config() -> dict[str, Any]:
    """uvicorn's logging configuration with :class:`PathOnly` on the access log."""
    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config.setdefault("filters", {})["path_only"] = {"()": f"{__name__}.PathOnly"}
    config["handlers"]["access"]["filters"] = ["path_only"]
    return config


def _print_accounts(accounts: list[DemoAccount]) -> None:
    table = Table(title="Demo staff accounts (passwords shown once)")
    for column in ("username", "role", "password"):
        table.add_column(column)
    for account in accounts:
        table.add_row(account.username, account.role.value, account.password)
    console.print(table)


@command("serve")
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port")] = 8000,
    data_dir: Annotated[
        Path | None, typer.Option(help="where the database and photos live")
    ] = None,
    demo: Annotated[bool, typer.Option(help="fill an empty clinic with demo records")] = False,
    worker: Annotated[
        bool | None,
        typer.Option(
            "--worker/--no-worker",
            help="run the message worker beside the app (default: the setting)",
        ),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, max=64, help="worker processes (default MICRONEEDLING_WORKERS, 1); see docs"
        ),
    ] = None,
) -> None:
    """Start the clinic: migrate the database, then serve /api (JSON) and / (pages)."""
    if workers is not None:
        # Before the settings are read: each worker's PostgreSQL pool is its share of the
        # connections (MICRONEEDLING_DB_CONNECTIONS / workers), and the workers read it too.
        os.environ["MICRONEEDLING_WORKERS"] = str(workers)
    clinic = open_clinic(data_dir)
    settings = clinic.settings
    empty = staff_count(clinic) == 0
    if demo and settings.environment == "production":
        raise InvalidInput("--demo", "demo records are refused in production")
    if demo and not empty:
        console.print(
            "The clinic already has staff accounts; --demo adds nothing. The demo passwords"
            " were printed at its first start; to begin again, remove the data directory"
            f" ({settings.data_dir}), or add an admin with"
            f" `microneedling db create-admin NAME --data-dir {settings.data_dir}`."
        )
    if empty and (demo or settings.environment == "development"):
        console.print("Empty clinic: creating demo records ...")
        _print_accounts(seed_demo(clinic))
    console.print(f"Database: {clinic.db.url.split('@')[-1]}")
    if settings.workers > 1:
        pool = (
            f", {settings.db_pool_size} connections each" if clinic.db.backend != "sqlite" else ""
        )
        console.print(f"Workers: {settings.workers} processes{pool}")
    console.print(f"Clinic pages on http://{host}:{port}/ (sign in with a staff account)")
    console.print(f"Clinic API on http://{host}:{port}/api/docs")
    clinic.db.dispose()
    # The web app reads the same settings from the environment (the CLI and the web layer are
    # siblings: the command hands over configuration, not objects).
    os.environ["MICRONEEDLING_DATA_DIR"] = str(settings.data_dir)
    if worker is not None:
        os.environ["MICRONEEDLING_WORKER_BESIDE_SERVE"] = "true" if worker else "false"
    uvicorn.run(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        log_level="info",
        log_config=log_config(),
        workers=settings.workers,
        # uvicorn restarts a worker that does not answer its health check in time; a loaded
        # machine can take longer than its 5 s default to import and start the app.
        timeout_worker_healthcheck=120,
        # Forwarded headers are the app's business, from the proxies in its settings only.
        proxy_headers=False,
    )
