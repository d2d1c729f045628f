"""``microneedling screen FILE``: one intake in, the screening decision and its reasons out.

Exit codes: 0 screened (whatever the decision: the decision is the answer, not an error);
2 bad input (one line naming file, field and problem: missing file, malformed YAML, unknown
code or site, a past event dated after the screening day, a value of the wrong type).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.align import Align
from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from microneedling.cli._app import command
from microneedling.cli._input import env_policy, load_model
from microneedling.errors import InvalidInput
from microneedling.knowledge import load_knowledge
from microneedling.knowledge.contraindications import ALLERGY_CLASSES
from microneedling.screening import Intake, OtherAllergy, ScreeningResult, screen

_STYLE = {
    "eligible": "bold white on green",
    "eligible_with_precautions": "bold black on yellow",
    "deferred": "bold black on dark_orange",
    "not_eligible": "bold white on red",
    "incomplete": "bold white on blue",
}
_KIND_STYLE = {"absolute": "red", "temporary": "dark_orange", "precaution": "yellow"}


def parse_day(value: str | None, option: str = "--today") -> date:
    """The screening day: ``value`` in YYYY-MM-DD form, or the current date if None."""
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(option, f"'{value}' is not a date in YYYY-MM-DD form") from None


def classify(intake: Intake, classes: list[str]) -> Intake:
    """``intake`` with ``other_allergies`` classified by ``INDEX=CODE`` pairs (``--classify``)."""
    others = list(intake.other_allergies or [])
    for pair in classes:
        index, _, code = pair.partition("=")
        if not index.strip().isdigit() or not code.strip():
            raise InvalidInput("--classify", f"'{pair}' is not INDEX=CODE (e.g. 0=nickel)")
        i = int(index)
        if i >= len(others):
            raise InvalidInput(
                "--classify", f"'{pair}': the intake has {len(others)} other allergies"
            )
        if code.strip() not in ALLERGY_CLASSES:
            raise InvalidInput(
                "--classify",
                f"'{code.strip()}' is not an allergy code or 'unrelated' "
                f"(known: {', '.join(ALLERGY_CLASSES)})",
            )
        others[i] = OtherAllergy.model_validate(
            {"description": others[i].description, "classified_as": code.strip()}
        )
    return intake.model_copy(update={"other_allergies": others}) if classes else intake


def screen_file(path: Path, today: date, classes: list[str] | None = None) -> ScreeningResult:
    """Read and screen an intake file; every input problem names ``path``."""
    intake = classify(load_model(path, Intake), classes or [])
    try:
        kb = load_knowledge()
        return screen(intake, kb, today, env_policy(kb))
    except InvalidInput as exc:
        raise exc.located(str(path)) from None


def _headline(result: ScreeningResult) -> Panel:
    words = result.decision.replace("_", " ").upper()
    text = Text(f"  {words}  ", style=_STYLE[result.decision], justify="center")
    lines = [text]
    if result.deferred_until is not None:
        lines.append(Text(f"deferred until {result.deferred_until.isoformat()}", justify="center"))
    if result.decision == "incomplete":
        lines.append(Text(f"{len(result.missing)} answers still needed", justify="center"))
    body = Align.center(Text("\n").join(lines))
    subtitle = f"screened {result.screened_on.isoformat()} · rule set {result.ruleset_version}"
    return Panel(body, title="Screening decision", subtitle=subtitle)


def _findings(result: ScreeningResult) -> Table:
    table = Table(title="Findings", show_lines=True, expand=True)
    table.add_column("Rule", ratio=2)
    table.add_column("Kind", min_width=10, no_wrap=True)
    table.add_column("Why, and what was found", ratio=5)
    table.add_column("Sources", ratio=3)
    for f in result.findings:
        why = Text(f.reason)
        why.append(f"\nFound: {f.evidence}", style="dim")
        if f.sites:
            why.append(f"\nSites: {', '.join(f.sites)}", style="dim")
        if f.deferred_until:
            why.append(f"\nDeferred until {f.deferred_until.isoformat()}", style="bold")
        if f.max_depth_mm is not None:
            why.append(f"\nNeedle depth at most {f.max_depth_mm:g} mm", style="bold")
        for measure in f.measures:
            why.append(f"\n• {measure}")
        sources = "\n".join(
            s.label + (f" ({s.identifier})" if s.identifier else "") for s in f.sources
        )
        table.add_row(
            Text(f"{f.rule_name}\n{f.rule_id}"),
            Text(f.kind, style=_KIND_STYLE[f.kind]),
            why,
            sources,
        )
    return table


def _missing(result: ScreeningResult) -> Table:
    table = Table(title="Questions still to ask", expand=True)
    table.add_column("Question", ratio=5)
    table.add_column("Intake field", ratio=2)
    table.add_column("Needed by", ratio=3)
    for m in result.missing:
        table.add_row(m.question, m.field, ", ".join(m.rule_ids))
    return table


def render(result: ScreeningResult, console: Console) -> None:
    """Print a screening result for people: the decision first, then reasons, then questions."""
    console.print(_headline(result))
    if result.findings:
        console.print(_findings(result))
    else:
        console.print("No rule fired.")
    if result.missing:
        console.print(_missing(result))


@command("screen", help="Screen an intake file (YAML or JSON) and print the decision.")
def screen_command(
    file: Annotated[Path, typer.Argument(help="intake file, YAML or JSON", show_default=False)],
    as_json: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    today: Annotated[
        str | None, typer.Option("--today", help="screening date, YYYY-MM-DD (default: today)")
    ] = None,
    classes: Annotated[
        list[str] | None,
        typer.Option(
            "--classify",
            help="classify other_allergies[INDEX] as CODE (an allergy code or 'unrelated'); "
            "repeatable, e.g. --classify 0=nickel",
        ),
    ] = None,
) -> None:
    result = screen_file(file, parse_day(today), classes)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        render(result, Console(highlight=False))
