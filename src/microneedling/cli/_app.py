"""The Typer app and the ``command`` decorator that gives every command the same error policy.

Bad input never shows a traceback: an :class:`InvalidInput` or :class:`KnowledgeBaseError`
raised anywhere below a command is printed as one line on stderr and the command exits with
code 2, having changed nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import typer

from microneedling.cli.commands import LazyGroup
from microneedling.errors import InvalidInput, KnowledgeBaseError

P = ParamSpec("P")
R = TypeVar("R")

#: Exit code for input the program cannot use (what click uses for usage errors).
EXIT_BAD_INPUT = 2

app = typer.Typer(
    cls=LazyGroup,
    name="microneedling",
    help="Screen, plan and model microneedling (collagen induction therapy).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root() -> None:
    # A callback makes the app a group even before any command module is imported.
    pass


if TYPE_CHECKING:
    from rich.console import Console

    #: The error console (made on first use: rich costs a tenth of a second to import, and
    #: ``--help`` and a clean run never print an error).
    stderr: Console


def __getattr__(name: str) -> Any:
    if name == "stderr":
        return _stderr()
    raise AttributeError(name)


@functools.cache
def _stderr() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> typer.Exit:
    """Print ``message`` as the one error line and return the exit to raise."""
    _stderr().print(f"error: {message}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def command(
    name: str | None = None, *, parent: typer.Typer | None = None, **kwargs: Any
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a function as a command on ``parent`` (default: the root app)."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def guarded(*args: P.args, **kw: P.kwargs) -> R:
            try:
                return fn(*args, **kw)
            except InvalidInput as exc:
                raise fail(exc.message) from None
            except KnowledgeBaseError as exc:
                raise fail(f"knowledge base: {exc}") from None

        (parent or app).command(name, **kwargs)(guarded)
        return fn

    return decorate
