"""Which module holds each command, so that a run imports only the command it runs.

The root group lists every command from :data:`COMMANDS` (name, module, one-line help) and
imports a command's module only when that command is run or its own help is asked for:
``microneedling --help`` and ``microneedling screen FILE`` never import the web app, the
database layer, matplotlib or the skin model. A test checks that each line here matches the
command's own help.
"""

from __future__ import annotations

import importlib
from typing import Any

from typer.core import TyperGroup

#: Command name -> (module that registers it, its one-line help), in the order ``--help`` lists.
COMMANDS: dict[str, tuple[str, str]] = {
    "plan": (
        "microneedling.cli.plan",
        "Screen the request's intake, then plan the course: depths, sessions, dates, aftercare.",
    ),
    "simulate": (
        "microneedling.cli.simulate",
        "Simulate the skin's response to a course or a plan: redness, collagen, outcome.",
    ),
    "absorb": (
        "microneedling.cli.absorb",
        "Simulate what a topical product delivers through microneedle channels.",
    ),
    "calibrate": (
        "microneedling.cli.calibrate",
        "Re-fit the fitted parameters to the evidence table and print the residuals.",
    ),
    "knowledge": (
        "microneedling.cli.knowledge",
        "Show the cited knowledge base: sites, concerns, devices, aftercare and their sources.",
    ),
    "screen": (
        "microneedling.cli.screen",
        "Screen an intake file (YAML or JSON) and print the decision.",
    ),
    "serve": (
        "microneedling.cli.serve",
        "Start the clinic: migrate the database, then serve /api (JSON) and / (pages).",
    ),
    "db": ("microneedling.cli.db", "The clinic database: migrate, back up, restore, verify."),
    "staff": (
        "microneedling.cli.staff",
        "Staff accounts from the server's console: reset two-factor sign-in.",
    ),
    "oversight": (
        "microneedling.cli.oversight",
        "Medical-director oversight: good-faith examinations, plan approvals, chart reviews.",
    ),
    "schema": ("microneedling.cli.schema", "Print the JSON Schema of an input file format."),
    "sweep": (
        "microneedling.cli.sweep",
        "Simulate every point of a grid or sample of course settings; write bands and plots.",
    ),
    "worker": (
        "microneedling.cli.worker",
        "Send due messages (confirmations, reminders, recalls...) until stopped.",
    ),
    "export": ("microneedling.cli.interop", "Export the clinic's records: FHIR R4 or CSV."),
    "import": ("microneedling.cli.interop", "Import records: FHIR R4 or a patient CSV."),
}


def load_all() -> None:
    """Import every command module (tests and documentation checks walk the whole tree)."""
    for module, _ in COMMANDS.values():
        importlib.import_module(module)


class LazyGroup(TyperGroup):
    """The root group: commands known by name, their modules imported on first use."""

    def list_commands(self, ctx: Any) -> list[str]:
        loaded = [name for name in self.commands if name not in COMMANDS]
        return [*COMMANDS, *loaded]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(COMMANDS[cmd_name][0])
            # The module registered itself on the Typer app: build its click command.
            import typer

            from microneedling.cli._app import app

            built = typer.main.get_group(app).commands.get(cmd_name)
            if built is not None:
                self.commands[cmd_name] = built
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows: list[tuple[str, str]] = []
        for name in names:
            command = self.commands.get(name)
            if command is None:
                rows.append((name, _shorten(COMMANDS[name][1], limit)))
            elif not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _shorten(text: str, limit: int) -> str:
    """The first sentence cut to ``limit`` characters as click cuts short help."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 3].rsplit(" ", 1)[0]
    return cut + "..."
