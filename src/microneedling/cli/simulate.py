"""``microneedling simulate FILE``: what a course (or a whole plan) will do in the skin.

FILE is a course (``examples/course-*.yaml``) or a plan written by ``microneedling plan --json``;
a plan is simulated area by area and concern by concern. The readable summary gives each
session's depth, bleeding, channel closure and downtime, then the milestones; ``--json`` gives
the full daily and hourly series. Bad input exits with code 2 and one line naming the problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from microneedling.cli._app import command
from microneedling.cli._input import read_document, validation_error
from microneedling.errors import InvalidInput
from microneedling.model import Course, CourseResult, courses_from_plan, simulate_course
from microneedling.planning import TreatmentPlan

READABLE_WIDTH = 132


def load_courses(path: Path) -> list[Course]:
    """Courses from a course file or a plan file (told apart by their fields)."""
    raw: Any = read_document(path)
    if not isinstance(raw, dict):
        raise InvalidInput("(document)", "expected a course or a plan (a mapping)", str(path))
    is_plan = "areas" in raw and "ruleset_version" in raw
    try:
        if is_plan:
            return courses_from_plan(TreatmentPlan.model_validate(raw))
        return [Course.model_validate(raw)]
    except ValidationError as exc:
        raise validation_error(exc, str(path)) from None
    except InvalidInput as exc:
        raise exc.located(str(path)) from None


def _date(value: Any) -> str:
    return value.isoformat() if value is not None else "beyond the horizon"


def print_summary(console: Console, result: CourseResult) -> None:
    course, scale, m = result.course, result.scale, result.milestones
    p = course.patient
    who = ", ".join(
        x
        for x in (
            f"{p.age_years:g} years",
            p.sex or "",
            f"Fitzpatrick {p.fitzpatrick_type}" if p.fitzpatrick_type else "",
        )
        if x
    )
    console.print(
        f"[bold]{scale.concern_name}[/bold] ({p.severity}) at [bold]{course.site}[/bold] — {who}"
    )
    table = Table(title="Sessions", title_justify="left")
    for col in (
        "date",
        "needle mm",
        "passes",
        "depth µm",
        "deepest layer",
        "punctures/cm²",
        "bleeds %",
        "channels closed",
        "barrier back",
        "red for",
    ):
        table.add_column(col, justify="left" if col in ("date", "deepest layer") else "right")
    for s in result.sessions:
        table.add_row(
            s.date.isoformat(),
            f"{s.needle_length_mm:g}",
            str(s.passes),
            f"{s.effective_depth_um:.0f}",
            s.deepest_layer,
            f"{s.punctures_per_cm2:.0f}",
            f"{100 * s.bleeding_probability:.0f}",
            f"{s.channels_closed_after_h:.0f} h",
            f"{s.barrier_recovered_after_h:.1f} h",
            f"{s.downtime_days:.1f} days",
        )
    console.print(table)
    daily = result.daily
    peak = int(daily["improvement_fraction"].argmax())
    console.print(
        f"First results: {_date(m.first_results_on)}   full effect: {_date(m.full_effect_on)}   "
        f"maintenance due: {_date(m.maintenance_due_on)}"
    )
    console.print(
        f"At full effect: {scale.scale_name} from {scale.baseline_grade:.1f} to "
        f"{m.peak_expected_grade:.1f} (best {scale.best:g}, worst {scale.worst:g}); "
        f"{100 * m.peak_improvement_fraction:.0f} % of the possible improvement; collagen "
        f"{daily['collagen_pct'][peak]:.0f} %, elastin {daily['elastin_pct'][peak]:.0f} %, "
        f"epidermis {daily['epidermis_change_pct'][peak]:+.0f} % of baseline"
    )
    unverified = sorted(
        {v.removesuffix(" (unverified)") for v in result.sources.values() if "(unverified)" in v}
    )
    console.print(
        f"{len(result.parameters)} parameters from {len(set(result.sources.values()))} sources "
        f"(docs/model-parameters.md); unverified: {'; '.join(unverified) or 'none'}",
        style="dim",
    )


@command("simulate")
def simulate(
    file: Annotated[
        Path, typer.Argument(help="a course (YAML/JSON) or a plan from `microneedling plan --json`")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="print every series as JSON instead of a summary")
    ] = False,
) -> None:
    """Simulate the skin's response to a course or a plan: redness, collagen, outcome."""
    courses = load_courses(file)
    if not courses:
        raise InvalidInput("areas", "the plan has no session with a treated area", str(file))
    results = [simulate_course(c) for c in courses]
    if as_json:
        typer.echo(json.dumps({"results": [r.to_dict() for r in results]}))
        return
    console = Console(width=None if Console().is_terminal else READABLE_WIDTH)
    for i, result in enumerate(results):
        if i:
            console.print()
        print_summary(console, result)
