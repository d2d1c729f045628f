"""Every command the CLI offers is documented in docs/cli.md (Datasette's test_docs manner)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main

from microneedling.cli import app
from microneedling.cli.commands import load_all

load_all()  # every command module registers its commands (the CLI itself loads them lazily)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _commands(group: Any, prefix: str = "microneedling") -> list[str]:
    # Typer vendors its own click, so groups are recognised by their sub-commands.
    found: list[str] = []
    for name, cmd in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if hasattr(cmd, "commands"):
            found += _commands(cmd, path)
        else:
            found.append(path)
    return found


COMMANDS = _commands(typer.main.get_group(app))


def test_there_are_commands() -> None:
    assert "microneedling screen" in COMMANDS


@pytest.mark.parametrize("command", COMMANDS)
def test_command_is_documented(command: str) -> None:
    assert f"`{command}" in DOCS.read_text(encoding="utf-8"), f"{command} missing from docs/cli.md"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_option_is_documented(command: str) -> None:
    cmd: Any = typer.main.get_group(app)
    for part in command.split()[1:]:
        cmd = cmd.commands[part]
    text = DOCS.read_text(encoding="utf-8")
    section = text.split(f"`{command}", 1)[1].split("\n## ", 1)[0]
    for param in cmd.params:
        if param.param_type_name == "option" and param.name != "help":
            assert any(o in section for o in param.opts), f"{command}: {param.opts} undocumented"
