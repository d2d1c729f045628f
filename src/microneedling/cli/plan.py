"""``microneedling plan FILE``: screen the intake, then plan the course and explain it.

Exit codes: 0 planned; 1 screening does not allow treatment (the decision and its reasons are
printed: the input was fine, the patient cannot be treated now); 2 bad input or a request the
clinical rules refuse (one line naming file, field and problem).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from microneedling.cli._app import command
from microneedling.cli._input import env_policy, read_document, validation_error
from microneedling.errors import InvalidInput
from microneedling.knowledge import load_knowledge
from microneedling.planning import (
    LAST_PLANNABLE_DAY,
    AftercareSheet,
    IntakeInvalid,
    NeedleDepth,
    PlanRequest,
    SheetInstruction,
    TreatmentPlan,
    screen_and_plan,
)
from microneedling.screening import Intake, ScreeningResult

#: Exit code when screening does not allow treatment: a clinical answer, not an input error.
EXIT_NOT_TREATABLE = 1
#: Columns for readable output when it is not going to a terminal.
READABLE_WIDTH = 132


def parse_today(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("--today", f"'{value}' is not a date in YYYY-MM-DD form") from None
    if day > LAST_PLANNABLE_DAY:
        raise InvalidInput("--today", f"plans are made up to {LAST_PLANNABLE_DAY.isoformat()} only")
    return day


def _load_intake(reference: str, request_path: Path) -> Intake:
    """An intake given as a path, relative to the request file's folder."""
    path = (request_path.parent / reference).resolve()
    raw = read_document(path)
    try:
        return Intake.model_validate(raw)
    except ValidationError as exc:
        raise validation_error(exc, str(path)) from None


def load_request(path: Path) -> tuple[PlanRequest, str]:
    """Read a plan request file; return it and the file the intake came from (for errors)."""
    raw: Any = read_document(path)
    if not isinstance(raw, dict):
        raise InvalidInput(
            "(document)", "expected a mapping of fields (intake, areas...)", str(path)
        )
    intake_source = str(path)
    if isinstance(raw.get("intake"), str):
        intake_source = str((path.parent / raw["intake"]).resolve())
        raw = {**raw, "intake": _load_intake(raw["intake"], path)}
    try:
        return PlanRequest.model_validate(raw), intake_source
    except ValidationError as exc:
        raise validation_error(exc, str(path)) from None


def intake_error(exc: InvalidInput, intake_source: str, request_source: str) -> InvalidInput:
    """A screening error named as the person wrote the field.

    Under ``intake.`` when the intake is written inside the request file; as it is when the
    intake is a file of its own (the error then names that file).
    """
    field = exc.field if intake_source != request_source else f"intake.{exc.field}"
    return type(exc)(field, exc.problem, intake_source)


def _trail(depth: NeedleDepth) -> str:
    return " → ".join(f"{s.rule} {s.value_mm:g}" for s in depth.steps)


def _screening_lines(console: Console, result: ScreeningResult) -> None:
    console.print(f"[bold]Screening:[/] {result.decision.replace('_', ' ')}")
    if result.deferred_until:
        console.print(f"  deferred until {result.deferred_until.isoformat()}")
    for f in result.findings:
        sources = "; ".join(s.label for s in f.sources)
        console.print(f"  • [bold]{f.rule_name}[/] ({f.kind}): {f.reason} [dim]({sources})[/]")
        for measure in f.measures:
            console.print(f"      – {measure}")
    for m in result.missing:
        console.print(f"  ? {m.question} [dim]({m.field})[/]")


def _instructions_once(sheet: AftercareSheet) -> list[SheetInstruction]:
    """Each instruction once, in the order it first applies (the sheet lists them per day)."""
    seen: dict[tuple[str, int, int | None], SheetInstruction] = {}
    for item in [i for day in sheet.days for i in day.instructions] + sheet.throughout_course:
        seen.setdefault((item.text, item.from_day, item.until_day), item)
    return sorted(seen.values(), key=lambda i: (i.from_day, i.until_day is None))


def render(console: Console, plan: TreatmentPlan) -> None:
    """The plan as readable tables: areas, sessions, milestones, maintenance, aftercare."""
    p = plan.patient
    console.print(
        f"[bold]Treatment plan[/] planned {plan.planned_on.isoformat()} · rule set "
        f"{plan.ruleset_version}\nPatient: age {p.age_years if p.age_years is not None else '?'}"
        f", {p.sex or 'sex not given'}, Fitzpatrick {p.fitzpatrick_type or '?'} · Device: "
        f"{plan.device.name}"
        + (f", cartridge {plan.device.cartridge}" if plan.device.cartridge else "")
        + f" (labelled max {plan.device.labelled_max_depth_mm:g} mm)"
    )
    _screening_lines(console, plan.screening)

    areas = Table(title="Areas", title_justify="left")
    for name in ("Site", "Concern", "Severity", "Depth mm", "Set by (rule trail)", "Passes"):
        areas.add_column(name)
    for area in plan.areas:
        for concern in area.concerns:
            areas.add_row(
                area.name,
                concern.name,
                concern.severity,
                f"{concern.depth.value_mm:g}",
                _trail(concern.depth),
                "",
            )
        areas.add_row(
            f"[bold]{area.name}[/]",
            "[bold]area setting[/]",
            "",
            f"[bold]{area.depth.value_mm:g}[/]",
            area.depth.rule,
            f"{area.passes.value} ({area.passes.rule})",
        )
    console.print(areas)
    end_point = plan.areas[0].end_point
    console.print(f"End-point: {end_point.value} [dim]({end_point.sources[0].label})[/]")

    console.print(
        f"[bold]Course:[/] {plan.session_count.value} sessions ({plan.session_count.rule}), "
        f"every {plan.interval_weeks.value} weeks ({plan.interval_weeks.rule})"
    )
    sessions = Table(title="Sessions", title_justify="left")
    for name in ("#", "Date", "Areas (depth mm × passes)", "Minutes", "Breakdown", "Moved"):
        sessions.add_column(name)
    for s in plan.sessions:
        d = s.duration
        breakdown = (
            f"{d.anaesthetic_minutes.value:g} numbing + {d.preparation_minutes.value:g} prep + "
            + " + ".join(f"{t.value:g}" for t in d.treatment_minutes)
            + f" needling + {d.aftercare_minutes.value:g} aftercare"
        )
        sessions.add_row(
            str(s.number),
            f"{s.date.isoformat()} {s.date.strftime('%a')}",
            ", ".join(f"{a.site} {a.depth_mm:g}×{a.passes}" for a in s.areas),
            f"{d.total_minutes:g}",
            breakdown,
            "; ".join(s.moves),
        )
    console.print(sessions)

    milestones = Table(title="Milestones", title_justify="left")
    for name in ("From", "To", "Milestone", "After session"):
        milestones.add_column(name)
    for m in plan.milestones:
        if m.kind == "glow" and m.session_number not in (1, len(plan.sessions)):
            continue  # one glow row per session would drown the table; first and last suffice
        milestones.add_row(
            m.earliest.isoformat(), m.latest.isoformat(), m.text, str(m.session_number)
        )
    console.print(milestones)

    maintenance = plan.maintenance
    console.print(
        f"[bold]Maintenance:[/] every {maintenance.interval_months.value} months "
        f"({maintenance.interval_months.rule}): "
        + (", ".join(d.isoformat() for d in maintenance.dates) or "none within a year")
    )

    sheet = plan.aftercare
    console.print(f"[bold]Aftercare after session 1 ({sheet.session_date.isoformat()}):[/]")
    for item in _instructions_once(sheet):
        if item.until_day is None:
            days = "whole course" if item.from_day == 0 else f"from day {item.from_day}"
        elif item.from_day == item.until_day:
            days = f"day {item.from_day}"
        else:
            days = f"days {item.from_day}-{item.until_day}"
        console.print(f"  {days}: {item.text}")
    for precaution in sheet.precautions:
        for measure in precaution.measures:
            console.print(f"  {precaution.name}: {measure}")
    for warning in sheet.warning_signs:
        urgent = " [bold](urgent)[/]" if warning.action == "urgent_care" else ""
        console.print(f"  warning sign: {warning.text}{urgent}")
    console.print(f"  {sheet.whom_to_call}")
    for note in plan.notes:
        console.print(f"[yellow]Note:[/] {note}")


@command("plan")
def plan_command(
    file: Annotated[Path, typer.Argument(help="plan request (YAML or JSON)")],
    as_json: Annotated[bool, typer.Option("--json", help="print the plan as JSON")] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="plan as of this date (YYYY-MM-DD)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="also write the plan as JSON to this file")
    ] = None,
) -> None:
    """Screen the request's intake, then plan the course: depths, sessions, dates, aftercare."""
    day = parse_today(today)
    request, intake_source = load_request(file)
    kb = load_knowledge()
    try:
        screened = screen_and_plan(request, kb, day, env_policy(kb))
    except IntakeInvalid as exc:
        raise intake_error(exc, intake_source, str(file)) from None
    except InvalidInput as exc:
        raise exc.located(str(file)) from None
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:
        # Piped or captured output gets Rich's 80 columns, too narrow for the rule trails.
        console = Console(highlight=False, soft_wrap=True, width=max(console.width, READABLE_WIDTH))
    plan = screened.plan
    if plan is None:
        if as_json:
            typer.echo(screened.screening.model_dump_json(indent=2))
        else:
            console.print("[bold red]No plan: screening does not allow treatment.[/]")
            _screening_lines(console, screened.screening)
        raise typer.Exit(EXIT_NOT_TREATABLE)
    text = plan.model_dump_json(indent=2)
    if out is not None:
        try:
            out.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise InvalidInput("--out", f"cannot write: {exc.strerror}", str(out)) from None
    if as_json:
        typer.echo(text)
    else:
        render(console, plan)


__all__ = ["EXIT_NOT_TREATABLE", "load_request", "plan_command", "render"]
