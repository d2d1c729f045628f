"""The rule set as a Markdown table, for docs/screening.md (a test keeps the page current)."""

from __future__ import annotations

from microneedling.knowledge import Contraindication, KnowledgeBase
from microneedling.knowledge.contraindications import (
    AgeTrigger,
    AllergyTrigger,
    BreastfeedingTrigger,
    ConditionTrigger,
    FindingTrigger,
    FitzpatrickTrigger,
    MedicationTrigger,
    PregnancyTrigger,
    ProcedureTrigger,
)


def _codes(codes: list[str]) -> str:
    return ", ".join(c.replace("_", " ") for c in codes)


def describe_trigger(rule: Contraindication) -> str:
    """The trigger in words, e.g. 'procedure in a treated area: surgery within 365 days'."""
    t = rule.trigger
    window = rule.waiting_days if rule.kind == "temporary" else getattr(t, "within_days", None)
    if isinstance(t, ConditionTrigger):
        when = "current or past" if t.history and rule.kind != "temporary" else "current"
        where = " in a treated area" if t.same_area else ""
        return f"condition{where} ({when}): {_codes(list(t.codes))}"
    if isinstance(t, MedicationTrigger):
        recent = f", or stopped within {window} days" if window else ""
        return f"medication taken now{recent}: {_codes(list(t.classes))}"
    if isinstance(t, ProcedureTrigger):
        where = " in a treated area" if t.same_area else ""
        when = f" within {window} days" if window else " at any time"
        return f"procedure{where}: {_codes(list(t.kinds))}{when}"
    if isinstance(t, FindingTrigger):
        where = "at a treated area" if t.same_area else "anywhere"
        age = f", begun within {t.younger_than_days} days" if t.younger_than_days else ""
        return f"skin finding {where}: {_codes(list(t.findings))}{age}"
    if isinstance(t, PregnancyTrigger):
        return "pregnant"
    if isinstance(t, BreastfeedingTrigger):
        return "breastfeeding"
    if isinstance(t, FitzpatrickTrigger):
        return "Fitzpatrick skin type " + ", ".join(str(x) for x in t.types)
    if isinstance(t, AgeTrigger):
        low = f"{t.at_least_years} ≤ " if t.at_least_years else ""
        return f"{low}age < {t.below_years} years"
    assert isinstance(t, AllergyTrigger)
    return f"allergy: {_codes(list(t.substances))}"


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
