"""The layering in docs/architecture.md holds: nothing imports upward (import-linter contract)."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

SRC = Path(__file__).resolve().parents[2] / "src" / "microneedling"
CORE = ("knowledge", "screening", "planning", "model")
IO_MODULES = {"sqlalchemy", "fastapi", "starlette", "uvicorn", "httpx", "requests", "jinja2"}


DOC = SRC.parents[1] / "docs" / "architecture.md"


def test_architecture_doc_names_every_layer_of_the_contract() -> None:
    config = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = config["tool"]["importlinter"]["contracts"]
    doc = DOC.read_text(encoding="utf-8")
    for layer in contract["layers"]:
        for module in layer.replace("(", "").replace(")", "").split("|"):
            package = module.strip().removeprefix("microneedling.")
            assert f"{package}/" in doc, f"{package} missing from docs/architecture.md"


def test_import_linter_contract_is_kept() -> None:
    assert lint_imports(config_filename=str(SRC.parents[1] / "pyproject.toml")) == 0


@pytest.mark.parametrize("package", CORE)
def test_core_imports_no_database_or_web(package: str) -> None:
    """The core stays pure: no database, web or HTTP library anywhere in it."""
    offenders = []
    for path in (SRC / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(SRC)} imports {n}"
                for n in names
                if n.split(".")[0] in IO_MODULES
            ]
    assert offenders == []
