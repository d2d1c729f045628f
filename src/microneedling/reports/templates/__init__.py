"""The reports' templates and their Jinja2 environment: date and depth formats, numbered sources."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from microneedling.screening.result import SourceRef

TEMPLATES = Path(__file__).resolve().parent


def long_date(value: date | datetime) -> str:
    """``Monday 7 December 2026``: unambiguous for patients in any country."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def short_date(value: date | datetime) -> str:
    """``Mon 7 Dec``: for day-by-day lists."""
    return f"{value:%a} {value.day} {value:%b}"


def depth(value_mm: float) -> str:
    """A needle depth as clinicians write it: ``1.25 mm``, ``0.5 mm``."""
    return f"{value_mm:.2f}".rstrip("0").rstrip(".") + " mm"


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.filters["depth"] = depth
    env.filters["humanize"] = lambda s: str(s).replace("_", " ")
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
