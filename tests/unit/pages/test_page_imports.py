"""Pages do not import other pages: what two pages share lives in an underscore module.

A route module is one that defines a module-level ``router``; only the package's
``__init__`` (which mounts them) may import it. A module with no routes holds shared page
pieces and is named with a leading underscore (``_forms``, ``_charts``, ``_intake_fields``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[3] / "src" / "microneedling" / "web"
PACKAGES = ("pages", "patient")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def defines_router(tree: ast.Module) -> bool:
    """Whether a module assigns ``router`` at its top level."""
    return any(
        isinstance(node, ast.Assign | ast.AnnAssign)
        and any(
            isinstance(t, ast.Name) and t.id == "router"
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
        )
        for node in tree.body
    )


def imported_modules(tree: ast.Module) -> set[str]:
    """Every ``microneedling.web.<package>.<module>`` a module imports, however it is spelled."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # ``from microneedling.web.pages import sessions`` names the module in the list.
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {
        name
        for name in found
        if (parts := name.split("."))[:2] == ["microneedling", "web"]
        and len(parts) == 4
        and parts[2] in PACKAGES
    }


def _modules() -> dict[str, ast.Module]:
    return {
        f"microneedling.web.{package}.{path.stem}": _tree(path)
        for package in PACKAGES
        for path in sorted((WEB / package).glob("*.py"))
        if path.stem != "__init__"
    }


def test_no_page_module_imports_a_route_module() -> None:
    modules = _modules()
    routes = {name for name, tree in modules.items() if defines_router(tree)}
    offenders = sorted(
        f"{name} imports {target}"
        for name, tree in modules.items()
        for target in imported_modules(tree) & routes
    )
    assert offenders == [], "move what both pages need into an underscore module"


def test_a_staff_page_module_without_routes_is_named_as_shared() -> None:
    shared = [
        name
        for name, tree in _modules().items()
        if name.startswith("microneedling.web.pages.") and not defines_router(tree)
    ]
    assert shared, "the page packages have shared modules"
    assert [n for n in shared if not n.rsplit(".", 1)[1].startswith("_")] == []


@pytest.mark.parametrize(
    "source",
    [
        "from microneedling.web.pages.sessions import label\n",
        "from microneedling.web.pages import sessions\n",
        "import microneedling.web.pages.sessions\n",
    ],
)
def test_every_spelling_of_a_page_import_is_seen(source: str) -> None:
    assert "microneedling.web.pages.sessions" in imported_modules(ast.parse(source))


def test_a_router_is_recognised() -> None:
    assert defines_router(ast.parse("router = APIRouter()\n"))
    assert defines_router(ast.parse("router: APIRouter = APIRouter()\n"))
    assert not defines_router(ast.parse("def f() -> None:\n    router = 1\n"))
