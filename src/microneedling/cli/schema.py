"""``microneedling schema NAME``: print the JSON Schema of a file format the CLI reads.

Other command modules may register their own formats on :data:`schema_app` with
``@command("name", parent=schema_app)``.
"""

from __future__ import annotations

import json

import typer

from microneedling.cli._app import app, command
from microneedling.screening import Intake

schema_app = typer.Typer(
    name="schema",
    help="Print the JSON Schema of an input file format.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(schema_app)


def intake_schema() -> dict[str, object]:
    """The intake's JSON Schema (draft 2020-12), declaring its draft."""
    schema = Intake.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **schema,
    }


@command("intake", parent=schema_app, help="JSON Schema of an intake file (docs/intake.md).")
def intake_command() -> None:
    typer.echo(json.dumps(intake_schema(), indent=2))
