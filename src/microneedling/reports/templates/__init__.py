"""The reports' templates and their Jinja2 environment (formats from ``reports/words.py``),
numbered sources."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from microneedling.reports.words import day_date, depth, humanize
from microneedling.screening.result import SourceRef

TEMPLATES = Path(__file__).resolve().parent


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day_date"] = day_date
    env.filters["depth"] = depth
    env.filters["humanize"] = humanize
    return env


_ENV = _environment()


def render(template: str, **context: Any) -> str:
    return _ENV.get_template(template).render(**context)


def numbered_sources(
    groups: Iterable[list[SourceRef]],
) -> tuple[dict[str, int], list[SourceRef]]:
    """Number each distinct reference in order of first use, for ``[1]``-style citations.

    Returns the number for each reference id and the references in numbered order.
    """
    numbers: dict[str, int] = {}
    references: list[SourceRef] = []
    for group in groups:
        for source in group:
            if source.ref not in numbers:
                numbers[source.ref] = len(references) + 1
                references.append(source)
    return numbers, references
