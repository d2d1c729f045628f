"""``microneedling knowledge [TOPIC]``: show the cited knowledge base, as tables or JSON.

Every row carries a Sources column with the short citation of each reference the entry cites,
so a clinician can see where a figure comes from. ``--json`` prints the validated entries for
machines. An unknown topic exits with code 2 and one line naming the topics there are.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from difflib import get_close_matches
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from microneedling.cli._app import command
from microneedling.errors import InvalidInput
from microneedling.knowledge import (
    AftercareGuide,
    Citation,
    Concern,
    Contraindication,
    Device,
    KnowledgeBase,
    Reference,
    Site,
    load_knowledge,
)

TOPICS = ("sites", "concerns", "contraindications", "devices", "aftercare", "references")


def _range(low: float, high: float, unit: str = "") -> str:
    text = f"{low:g}" if low == high else f"{low:g}–{high:g}"
    return f"{text} {unit}".rstrip()


def _sources(kb: KnowledgeBase, citations: Sequence[Citation]) -> str:
    return "; ".join(kb.references[c.ref].short() for c in citations)


def _table(title: str, columns: Sequence[str]) -> Table:
    table = Table(title=title, title_justify="left", show_lines=False)
    for name in columns:
        table.add_column(name, overflow="fold")
    return table


def site_table(kb: KnowledgeBase) -> Table:
    table = _table(
        "Treatment sites (layers in µm, mean ± SD)",
        ["Id", "Site", "SC µm", "Epidermis µm", "Dermis µm", "Total µm", "Safe depth mm",
         "Area cm²", "Minutes", "Sources"],
    )  # fmt: skip
    site: Site
    for site in kb.sites.values():
        layers = site.layers
        table.add_row(
            site.id,
            site.name,
            f"{layers.stratum_corneum_um.mean:g} ± {layers.stratum_corneum_um.sd:g}",
            f"{layers.viable_epidermis_um.mean:g} ± {layers.viable_epidermis_um.sd:g}",
            f"{layers.dermis_um.mean:g} ± {layers.dermis_um.sd:g}",
            f"{layers.total_mean_um():.0f}",
            _range(site.safe_depth_mm.low, site.safe_depth_mm.high),
            f"{site.typical_area_cm2:g}",
            f"{site.treatment_minutes:g}",
            _sources(kb, site.sources),
        )
    return table


def concern_table(kb: KnowledgeBase) -> Table:
    table = _table(
        "Concerns and their usual protocol",
        ["Id", "Concern", "Category", "Depth mm", "Sessions", "Every (weeks)",
         "Maintenance (months)", "Response", "Scale", "Sources"],
    )  # fmt: skip
    concern: Concern
    for concern in kb.concerns.values():
        table.add_row(
            concern.id,
            concern.name,
            concern.category,
            _range(concern.depth_mm.low, concern.depth_mm.high),
            _range(concern.sessions.low, concern.sessions.high),
            _range(concern.interval_weeks.low, concern.interval_weeks.high),
            _range(concern.maintenance_months.low, concern.maintenance_months.high),
            concern.response,
            concern.scale.name,
            _sources(kb, concern.sources),
        )
    return table


def contraindication_table(kb: KnowledgeBase) -> Table:
    table = _table(
        "Contraindications and precautions",
        ["Id", "Name", "Kind", "Trigger", "Wait (days)", "Depth cap mm", "Sources"],
    )
    rule: Contraindication
    for rule in kb.contraindications.values():
        table.add_row(
            rule.id,
            rule.name,
            rule.kind,
            rule.trigger.type,
            "" if rule.waiting_days is None else str(rule.waiting_days),
            "" if rule.max_depth_mm is None else f"{rule.max_depth_mm:g}",
            _sources(kb, rule.sources),
        )
    return table


def device_table(kb: KnowledgeBase) -> Table:
    table = _table(
        "Devices (labelled maximum depth is a hard limit)",
        ["Id", "Device", "Kind", "Needle length mm", "Labelled max mm", "Needles",
         "Stamps/s", "Material", "Sources"],
    )  # fmt: skip
    device: Device
    for device in kb.devices.values():
        if device.kind == "pen":
            needles = ", ".join(str(c.needle_count) for c in device.cartridges)
        else:
            needles = f"{device.roller_needle_count} in {device.roller_rows} rows"
        rate = device.stamp_rate_hz
        table.add_row(
            device.id,
            device.name,
            device.kind,
            _range(device.needle_length_mm.low, device.needle_length_mm.high),
            f"{device.labelled_max_depth_mm:g}",
            needles,
            "" if rate is None else _range(rate.low, rate.high),
            device.needle_material.replace("_", " "),
            _sources(kb, device.sources),
        )
    return table


def _days(low: int, high: int | None) -> str:
    return f"day {low}+" if high is None else f"day {_range(low, high)}"


def aftercare_tables(kb: KnowledgeBase) -> list[Table]:
    guide: AftercareGuide = kb.aftercare
    visit = guide.visit
    visit_table = _table("The visit (minutes)", ["Numbing", "Preparation", "Aftercare", "Sources"])
    visit_table.add_row(
        f"{visit.anaesthetic_minutes:g}",
        f"{visit.preparation_minutes:g}",
        f"{visit.aftercare_minutes:g}",
        _sources(kb, visit.sources),
    )
    instructions = _table("Aftercare, day 0 = treatment day", ["Days", "Topic", "Do", "Sources"])
    for item in guide.instructions:
        instructions.add_row(
            _days(item.from_day, item.until_day), item.topic, item.text, _sources(kb, item.sources)
        )
    warnings = _table("Warning signs", ["Sign", "What to do", "Sources"])
    for sign in guide.warning_signs:
        action = "call the clinic" if sign.action == "call_clinic" else "seek urgent care"
        warnings.add_row(sign.text, action, _sources(kb, sign.sources))
    milestones = _table("Results timeline", ["When", "From", "What", "Sources"])
    for step in guide.milestones:
        when = f"day {_range(step.days.low, step.days.high)}"
        milestones.add_row(
            when, step.anchor.replace("_", " "), step.text, _sources(kb, step.sources)
        )
    return [visit_table, instructions, warnings, milestones]


def reference_table(kb: KnowledgeBase) -> Table:
    table = _table("References", ["Id", "Kind", "Citation", "Title", "Identifier"])
    ref: Reference
    for ref in kb.references.values():
        table.add_row(ref.id, ref.kind, ref.short(), ref.title, ref.identifier() or "")
    return table


def as_json(kb: KnowledgeBase, topic: str) -> dict[str, Any]:
    """The topic's validated entries as plain JSON-ready data, with the rule-set version."""
    data: Any
    if topic == "aftercare":
        data = kb.aftercare.model_dump(mode="json")
    else:
        catalogue = getattr(kb, topic)
        data = [entry.model_dump(mode="json") for entry in catalogue.values()]
    return {"topic": topic, "ruleset_version": kb.ruleset_version, topic: data}


RENDERERS: dict[str, Callable[[KnowledgeBase], list[Table]]] = {
    "sites": lambda kb: [site_table(kb)],
    "concerns": lambda kb: [concern_table(kb)],
    "contraindications": lambda kb: [contraindication_table(kb)],
    "devices": lambda kb: [device_table(kb)],
    "aftercare": aftercare_tables,
    "references": lambda kb: [reference_table(kb)],
}


def check_topic(topic: str) -> str:
    """Return ``topic`` if known, else raise :class:`InvalidInput` naming the topics."""
    if topic in TOPICS:
        return topic
    near = get_close_matches(topic, TOPICS, n=1)
    hint = f"; did you mean {near[0]}?" if near else ""
    raise InvalidInput("topic", f"unknown topic '{topic}'{hint} (topics: {', '.join(TOPICS)})")


def summary(kb: KnowledgeBase) -> Table:
    table = _table(f"Knowledge base, rule set {kb.ruleset_version}", ["Topic", "Entries"])
    for topic in TOPICS:
        count = len(kb.aftercare.instructions) if topic == "aftercare" else len(getattr(kb, topic))
        table.add_row(topic, str(count))
    return table


@command("knowledge")
def knowledge(
    topic: Annotated[
        str | None, typer.Argument(help=f"One of: {', '.join(TOPICS)}. Omit for a summary.")
    ] = None,
    as_json_flag: Annotated[
        bool, typer.Option("--json", help="Print the entries as JSON for machines.")
    ] = False,
) -> None:
    """Show the cited knowledge base: sites, concerns, devices, aftercare and their sources."""
    chosen = None if topic is None else check_topic(topic)
    kb = load_knowledge()
    if as_json_flag:
        if chosen is None:
            payload: dict[str, Any] = {"ruleset_version": kb.ruleset_version}
            for name in TOPICS:
                payload |= {name: as_json(kb, name)[name]}
        else:
            payload = as_json(kb, chosen)
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    tables = [summary(kb)] if chosen is None else RENDERERS[chosen](kb)
    # Piped output has no terminal width; a wide page keeps the Sources column readable.
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 180)
    for table in tables:
        console.print(table)
