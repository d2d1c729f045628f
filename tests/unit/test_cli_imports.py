"""The command line imports only what the command it runs needs (issue 15).

Each check runs in a fresh interpreter and looks at ``sys.modules`` after the run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main

from microneedling.cli import app
from microneedling.cli.commands import COMMANDS, load_all

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: What only the clinic, the web app, plots or the skin model need.
HEAVY = ("fastapi", "sqlalchemy", "matplotlib", "microneedling.model", "uvicorn", "alembic")


def _modules_after(*argv: str) -> tuple[int, list[str]]:
    script = (
        "import json, sys\n"
        f"sys.argv = {['microneedling', *argv]!r}\n"
        "from microneedling.cli import app\n"
        "code = 0\n"
        "try:\n"
        "    app()\n"
        "except SystemExit as exit:\n"
        "    code = exit.code or 0\n"
        "print(json.dumps([code, sorted(sys.modules)]), file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    code, modules = json.loads(run.stderr.strip().splitlines()[-1])
    return code, modules


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_importing_the_cli_imports_nothing_heavy() -> None:
    script = "import sys, json, microneedling.cli; print(json.dumps(sorted(sys.modules)))"
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    modules = json.loads(run.stdout)
    assert _heavy(modules) == []
    assert "microneedling.knowledge" not in modules


def test_help_imports_nothing_heavy() -> None:
    code, modules = _modules_after("--help")
    assert code == 0
    assert _heavy(modules) == []


def test_screen_imports_only_knowledge_and_screening() -> None:
    code, modules = _modules_after("screen", str(EXAMPLES / "intake-eligible.yaml"))
    assert code == 0
    assert "microneedling.screening" in modules  # it did run
    assert _heavy(modules) == []


def test_a_clinic_command_still_loads_what_it_needs() -> None:
    code, modules = _modules_after("db", "--help")
    assert code == 0
    assert "sqlalchemy" in modules  # the check above would see a heavy import


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_listed_help_is_the_commands_own(name: str) -> None:
    load_all()
    command = typer.main.get_group(app).commands[name]
    assert COMMANDS[name][1] == command.get_short_help_str(limit=500)
