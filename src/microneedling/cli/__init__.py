"""The ``microneedling`` command line: one Typer app, one module per command.

Command modules are imported when their command runs (see :mod:`microneedling.cli.commands`),
so importing this package is cheap.
"""

from __future__ import annotations

from microneedling.cli import commands
from microneedling.cli._app import EXIT_BAD_INPUT, app

__all__ = ["EXIT_BAD_INPUT", "app", "commands", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
