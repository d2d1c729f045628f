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
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from microneedling.cli._app import command
from microneedling.cli._input import read_document, validation_error
from microneedling.errors import InvalidInput
from microneedling.model import (
    CohortResult,
    Course,
    CourseResult,
    courses_from_plan,
    simulate_cohort,
    simulate_course,
)
from microneedling.model.summary import NOT_A_PROMISE, summarise
from microneedling.planning import TreatmentPlan

READABLE_WIDTH = 132
#: Virtual patients drawn for the band of a plot when ``--cohort`` is not given.
PLOT_COHORT = 1000


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


def print_summary(console: Console, result: CourseResult, band: CohortResult) -> None:
    course, scale = result.course, result.scale
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
        "barrier 90 % / back",
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
            f"{s.barrier_recovered_after_h:.1f} / {s.barrier_restored_after_h:.0f} h",
            f"{s.downtime_days:.1f} days",
        )
    console.print(table)
    ranged = summarise(result, band)
    console.print(
        f"At full effect: {scale.scale_name} from {scale.baseline_grade:.1f}, better by "
        f"{ranged.grade_change.text('.2f', ' grades')} (best {scale.best:g}, worst "
        f"{scale.worst:g}); {ranged.improvement_pct.text('.0f', ' %')} of the possible "
        f"improvement; full effect {ranged.full_effect_days_after_last.text('.0f', ' days')} "
        f"after the last session; maintenance {ranged.maintenance_text()}"
    )
    console.print(
        "Redness after session 1: " + ranged.redness_days[0].text(".1f", " days") + "; at full "
        f"effect collagen {ranged.collagen_pct.text('.0f', ' %')} of baseline, epidermis "
        f"thicker by {ranged.epidermis_change_pct.text('.0f', ' %')}"
    )
    console.print(ranged.pih_text())
    console.print(NOT_A_PROMISE, style="bold")
    unverified = sorted(
        {v.removesuffix(" (unverified)") for v in result.sources.values() if "(unverified)" in v}
    )
    console.print(
        f"{len(result.parameters)} parameters from {len(set(result.sources.values()))} sources "
        f"(docs/model-parameters.md); unverified: {'; '.join(unverified) or 'none'}",
        style="dim",
    )


def run_cohort(course: Course, n: int, quiet: bool) -> CohortResult:
    """A cohort with a Rich progress bar on stderr (hidden for --json)."""
    with Progress(
        TextColumn("virtual cohort"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task("cohort", total=1.0)
        return simulate_cohort(
            course, n=n, progress=lambda share: progress.update(task, completed=share)
        )


def print_cohort(console: Console, cohort: CohortResult) -> None:
    table = Table(title=f"Virtual cohort of {cohort.n:,} patients", title_justify="left")
    for col in ("figure", "5 %", "median", "95 %"):
        table.add_column(col, justify="left" if col == "figure" else "right")

    def row(label: str, p5: float, p50: float, p95: float, fmt: str) -> None:
        cells = (format(v, fmt) if v != float("inf") else "beyond" for v in (p5, p50, p95))
        table.add_row(escape(label), *cells)

    d = cohort.sessions["downtime_days"]
    row("redness after session 1 [days]", d.p5[0], d.p50[0], d.p95[0], ".1f")
    b = cohort.sessions["bleeding_probability"]
    row("share of punctures that bleed", b.p5[0], b.p50[0], b.p95[0], ".2f")
    for key, label, fmt in (
        ("peak_improvement_fraction", "peak improvement [share]", ".2f"),
        ("full_effect_days_after_last", "full effect [days after last]", ".0f"),
        ("maintenance_days_after_last", "maintenance due [days after last]", ".0f"),
    ):
        m = cohort.milestones[key]
        row(label, float(m.p5), float(m.p50), float(m.p95), fmt)
    console.print(table)
    console.print(
        f"{100 * cohort.maintenance_reached_share:.0f} % of the cohort need maintenance within "
        "the horizon.",
        style="dim",
    )


def _plot_path(base: Path, index: int, count: int) -> Path:
    if count == 1:
        return base
    return base.with_name(f"{base.stem}-{index + 1}{base.suffix}")


@command("simulate")
def simulate(
    file: Annotated[
        Path, typer.Argument(help="a course (YAML/JSON) or a plan from `microneedling plan --json`")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="print every series as JSON instead of a summary")
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option(
            "--plot", help="write a PNG: redness days, collagen with its band, milestones"
        ),
    ] = None,
    cohort: Annotated[
        int | None,
        typer.Option("--cohort", min=10, max=1_000_000, help="also simulate N virtual patients"),
    ] = None,
) -> None:
    """Simulate the skin's response to a course or a plan: redness, collagen, outcome."""
    courses = load_courses(file)
    if not courses:
        raise InvalidInput("areas", "the plan has no session with a treated area", str(file))
    if plot is not None and plot.suffix.lower() != ".png":
        raise InvalidInput("--plot", f"'{plot}' must be a .png file")
    results = [simulate_course(c) for c in courses]
    # Every summary shows its bands, so a cohort always runs (PLOT_COHORT patients unless
    # --cohort says how many).
    cohorts = [run_cohort(c, cohort or PLOT_COHORT, as_json) for c in courses]
    if plot is not None:
        from microneedling.reports.course_plot import plot_course

        for i, (result, band) in enumerate(zip(results, cohorts, strict=True)):
            plot_course(result, band, _plot_path(plot, i, len(results)))
    if as_json:
        payload = []
        for result, band in zip(results, cohorts, strict=True):
            item = result.to_dict()
            if cohort is not None:
                item["cohort"] = band.to_dict()
            payload.append(item)
        typer.echo(json.dumps({"results": payload}))
        return
    console = Console(width=None if Console().is_terminal else READABLE_WIDTH)
    for i, (result, band) in enumerate(zip(results, cohorts, strict=True)):
        if i:
            console.print()
        print_summary(console, result, band)
        if cohort is not None:
            print_cohort(console, band)
    if plot is not None:
        written = ", ".join(str(_plot_path(plot, i, len(results))) for i in range(len(results)))
        console.print(f"plot written to {written}")
