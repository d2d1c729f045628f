"""The rule set as a Markdown table, for docs/screening.md (a test keeps the page current)."""

from __future__ import annotations

from microneedling.knowledge import KnowledgeBase
from microneedling.screening.trigger_types import describe_trigger


def rules_markdown(kb: KnowledgeBase) -> str:
    """One row per rule: id, kind, trigger, waiting period, depth cap and sources."""
    lines = [
        "| Rule | Kind | Reads | Trigger | Waiting | Depth cap | Sources |",
        "|---|---|---|---|---|---|---|",
    ]
    for rule in kb.contraindications.values():
        sources = "; ".join(r.short() for r in kb.cite(rule.sources))
        waiting = f"{rule.waiting_days} d" if rule.waiting_days else ""
        cap = f"{rule.max_depth_mm:g} mm" if rule.max_depth_mm else ""
        reads = rule.reads.replace("_", " ")
        cells = [f"`{rule.id}`", rule.kind, reads, describe_trigger(rule), waiting, cap, sources]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"
