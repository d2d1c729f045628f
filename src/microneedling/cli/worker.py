"""``microneedling worker``: send the outbox's due messages over SMTP (and plan recalls)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from microneedling.cli._app import command
from microneedling.cli.db import open_clinic
from microneedling.clinic.messages import MessageWorker

console = Console(highlight=False)


@command("worker")
def worker(
    once: Annotated[bool, typer.Option(help="one round, then exit (tests, cron)")] = False,
    poll_seconds: Annotated[
        float | None,
        typer.Option(min=0.1, max=3600, help="seconds between rounds (default: the setting)"),
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option(help="where the database and photos live")
    ] = None,
) -> None:
    """Send due messages (confirmations, reminders, recalls...) until stopped."""
    clinic = open_clinic(data_dir)
    if not clinic.settings.smtp_host:
        console.print("No mail server set (MICRONEEDLING_SMTP_HOST): messages stay queued.")
    messages = MessageWorker(clinic)
    try:
        if once:
            done = messages.run_once()
            console.print(
                f"queued {done.queued}, sent {done.sent}, failed {done.failed}, "
                f"cancelled {done.cancelled}"
            )
            return
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        console.print("Message worker running; Ctrl+C stops it.")
        try:
            messages.run_forever(stop, poll_seconds)
        except KeyboardInterrupt:
            stop.set()
    finally:
        clinic.db.dispose()
