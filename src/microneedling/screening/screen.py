"""Screening: one intake, one day, one decision, with every rule that fired and why.

The decision procedure (docs/screening.md gives the same in words):

1. ``not_eligible`` if any absolute contraindication fires — even if answers are missing,
   since no answer can undo it;
2. else ``deferred`` until the latest date any temporary rule gives;
3. else ``incomplete`` if any answer a rule needs is missing;
4. else ``eligible_with_precautions`` if any precaution fires;
5. else ``eligible``.

The ``missing`` list is filled whenever answers are missing, whatever the decision, so a
deferred patient is also asked what is still unknown. Screening is pure: no clock is read
unless ``today`` is omitted, and nothing is written.
"""

from __future__ import annotations

from datetime import date

from microneedling.knowledge import Contraindication, KnowledgeBase, load_knowledge
from microneedling.screening.intake import Intake
from microneedling.screening.policy import ScreeningPolicy
from microneedling.screening.result import (
    Decision,
    Finding,
    MissingAnswer,
    ScreeningResult,
    cite,
)
from microneedling.screening.trigger_types import read
from microneedling.screening.triggers import Hit

_KIND_ORDER = {"absolute": 0, "temporary": 1, "precaution": 2}


def _reason(rule: Contraindication, applied: Contraindication, policy: ScreeningPolicy) -> str:
    """The rule's reason, saying where sources disagree and which reading applies."""
    if rule.sources_disagree is None:
        return applied.reason
    relax = policy.relaxation(rule.id)
    if relax is None:
        return (
            f"{rule.reason} Sources disagree: {rule.sources_disagree.summary} This rule set "
            f"follows the more conservative by default."
        )
    return (
        f"{applied.reason} Relaxed by this clinic's policy: {relax.reason} (source: "
        f"{relax.source}). The default, more conservative rule is a {rule.kind} one."
    )


def _finding(kb: KnowledgeBase, rule: Contraindication, hits: list[Hit], reason: str) -> Finding:
    sites: list[str] | None = None
    if all(h.sites is not None for h in hits):
        sites = sorted({s for h in hits for s in h.sites or []})
    ends = [h.until for h in hits if h.until is not None]
    return Finding(
        rule_id=rule.id,
        rule_name=rule.name,
        kind=rule.kind,
        reason=reason,
        evidence="; ".join(h.evidence for h in hits),
        sources=cite(kb, rule.sources),
        measures=list(rule.measures),
        max_depth_mm=rule.max_depth_mm,
        deferred_until=max(ends) if rule.kind == "temporary" and ends else None,
        sites=sites,
    )


def decide(findings: list[Finding], missing: list[MissingAnswer]) -> Decision:
    """The one decision for a set of fired rules and missing answers (see module docstring)."""
    kinds = {f.kind for f in findings}
    if "absolute" in kinds:
        return "not_eligible"
    if "temporary" in kinds:
        return "deferred"
    if missing:
        return "incomplete"
    if "precaution" in kinds:
        return "eligible_with_precautions"
    return "eligible"


def check_intake(intake: Intake, kb: KnowledgeBase, today: date) -> None:
    """Raise :class:`~microneedling.errors.InvalidInput` for unknown sites or future dates."""
    for field, site in intake.site_fields():
        if field.startswith("areas."):
            kb.sites.require(site, field)
        else:
            kb.anatomy.require(site, field)
    intake.check_dates(today)


def screen(
    intake: Intake,
    kb: KnowledgeBase | None = None,
    today: date | None = None,
    policy: ScreeningPolicy | None = None,
) -> ScreeningResult:
    """Screen ``intake`` on ``today`` (default: the current date) against the rule set in ``kb``.

    ``policy`` names the rules a clinic has relaxed (default: none, the conservative rule set);
    it is checked against ``kb`` and recorded in the result.

    Raises :class:`~microneedling.errors.InvalidInput` when the intake names an unknown site or
    dates a past event after ``today``.
    """
    if kb is None:
        kb = load_knowledge()
    if today is None:
        today = date.today()
    check_intake(intake, kb, today)
    policy = policy or ScreeningPolicy()
    policy.check(kb, "policy.relaxations")
    findings: list[Finding] = []
    asked: dict[tuple[str, str], list[str]] = {}
    for packaged in kb.contraindications.values():
        rule = policy.apply(packaged)
        reading = read(rule, intake, today, kb.anatomy)
        if reading.hits:
            findings.append(_finding(kb, rule, reading.hits, _reason(packaged, rule, policy)))
        for key in reading.missing:
            ids = asked.setdefault(key, [])
            if rule.id not in ids:
                ids.append(rule.id)
    allergy_rules = [r.id for r in kb.contraindications.values() if r.trigger.type == "allergy"]
    for field, description in intake.unclassified_allergies():
        # Until a clinician says what it is, an allergy in the patient's words could be to
        # anything the treatment uses: the screening stays incomplete.
        question = f"Classify the allergy '{description}' (an allergy code, or unrelated)"
        asked[(field, question)] = allergy_rules
    findings.sort(key=lambda f: _KIND_ORDER[f.kind])
    missing = [MissingAnswer(field=f, question=q, rule_ids=ids) for (f, q), ids in asked.items()]
    decision = decide(findings, missing)
    deferred = [f.deferred_until for f in findings if f.deferred_until is not None]
    return ScreeningResult(
        decision=decision,
        screened_on=today,
        ruleset_version=kb.ruleset_version,
        findings=findings,
        missing=missing,
        deferred_until=max(deferred) if decision == "deferred" and deferred else None,
        policy=policy,
    )
