"""How each kind of trigger reads an intake: it fires, does not fire, or lacks an answer.

One function per trigger type, all with one signature, listed with their descriptions in
:mod:`microneedling.screening.trigger_types`. Each returns a :class:`Reading`: the ``hits``
(what in the intake fired the rule, where, and until when a temporary rule defers) and the
``missing`` answers it could not do without. A rule may both fire and lack answers (one
procedure dated in the window, another with no date); screening reports both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from microneedling.knowledge.anatomy import BodyMap
from microneedling.knowledge.contraindications import (
    AgeTrigger,
    AllergyTrigger,
    BreastfeedingTrigger,
    ConditionTrigger,
    Contraindication,
    FindingTrigger,
    FitzpatrickTrigger,
    MedicationTrigger,
    PregnancyTrigger,
    ProcedureTrigger,
)
from microneedling.screening.intake import Intake

AREAS_QUESTION = "Which areas does the patient want treated?"


@dataclass(frozen=True)
class Hit:
    """One answer that fired a rule. ``until`` is the end of a temporary deferral."""

    evidence: str
    sites: list[str] | None = None
    until: date | None = None


@dataclass
class Reading:
    hits: list[Hit] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)


def _words(code: str) -> str:
    return code.replace("_", " ")


def _sites(sites: list[str]) -> str:
    return ", ".join(sites)


def _ongoing_until(rule: Contraindication, today: date) -> date | None:
    """A temporary rule whose cause is still going on defers from today (re-screen then)."""
    if rule.kind != "temporary" or rule.waiting_days is None:
        return None
    return today + timedelta(days=rule.waiting_days)


def _after(rule: Contraindication, event: date) -> date | None:
    if rule.kind != "temporary" or rule.waiting_days is None:
        return None
    return event + timedelta(days=rule.waiting_days)


def _window_days(rule: Contraindication, within_days: int | None) -> int | None:
    """The look-back window [days]: a temporary rule's waiting period, else the trigger's."""
    return rule.waiting_days if rule.kind == "temporary" else within_days


def _area_overlap(
    body: BodyMap,
    intake: Intake,
    sites: list[str] | None,
    field_path: str,
    what: str,
    out: Reading,
) -> list[str] | None:
    """Treated sites that ``sites`` overlap (same site, within, or containing it).

    None (with a missing answer) when it cannot be known.
    """
    if intake.areas is None:
        out.missing.append(("areas", AREAS_QUESTION))
        return None
    if sites is None:
        out.missing.append((field_path, f"Where on the body is the {what}?"))
        return None
    return body.overlapping(sites, intake.areas)


def _treated_part(
    rule: Contraindication, body: BodyMap, intake: Intake, sites: list[str] | None
) -> list[str] | None:
    """For a rule that reads ``both``: the treated areas an answer lies on (None if none)."""
    if rule.reads != "both" or not sites or not intake.areas:
        return None
    return body.overlapping(sites, intake.areas) or None


def read_condition(
    rule: Contraindication, t: ConditionTrigger, intake: Intake, today: date, body: BodyMap
) -> Reading:
    out = Reading()
    if intake.conditions is None:
        out.missing.append(("conditions", rule.question))
        return out
    for i, record in enumerate(intake.conditions):
        if record.code not in t.codes:
            continue
        if not record.current and (not t.history or rule.kind == "temporary"):
            continue
        status = "current" if record.current else "history of"
        what = _words(record.code)
        if t.same_area:
            overlap = _area_overlap(body, intake, record.sites, f"conditions.{i}.sites", what, out)
            if not overlap:
                continue
            out.hits.append(
                Hit(f"{status} {what} at {_sites(overlap)}", overlap, _ongoing_until(rule, today))
            )
        else:
            on = _treated_part(rule, body, intake, record.sites)
            where = f" (at treated {_sites(on)})" if on else ""
            out.hits.append(Hit(f"{status} {what}{where}", on, _ongoing_until(rule, today)))
    return out


def read_medication(
    rule: Contraindication, t: MedicationTrigger, intake: Intake, today: date, body: BodyMap
) -> Reading:
    out = Reading()
    if intake.medications is None:
        out.missing.append(("medications", rule.question))
        return out
    window = _window_days(rule, t.within_days) or 0
    for record in intake.medications:
        if record.code not in t.classes:
            continue
        label = _words(record.code) + (f" ({record.name})" if record.name else "")
        if record.stopped_on is None:
            out.hits.append(Hit(f"taking {label}", None, _ongoing_until(rule, today)))
        elif record.stopped_on + timedelta(days=window) > today:
            days = (today - record.stopped_on).days
            out.hits.append(
                Hit(
                    f"{label} stopped {days} days ago ({record.stopped_on.isoformat()})",
                    None,
                    _after(rule, record.stopped_on),
                )
            )
    return out


def read_procedure(
    rule: Contraindication, t: ProcedureTrigger, intake: Intake, today: date, body: BodyMap
) -> Reading:
    out = Reading()
    if intake.procedures is None:
        out.missing.append(("procedures", rule.question))
        return out
    window = _window_days(rule, t.within_days)
    for i, record in enumerate(intake.procedures):
        if record.kind not in t.kinds:
            continue
        what = _words(record.kind)
        when = ""
        if window is not None:
            if record.performed_on is None:
                out.missing.append((f"procedures.{i}.performed_on", f"When was the {what} done?"))
                continue
            if record.performed_on + timedelta(days=window) <= today:
                continue
            when = f" on {record.performed_on.isoformat()}"
        sites: list[str] | None = None
        if t.same_area:
            sites = _area_overlap(body, intake, record.sites, f"procedures.{i}.sites", what, out)
            if not sites:
                continue
        until = _after(rule, record.performed_on) if record.performed_on else None
        where = f" at {_sites(sites)}" if sites else ""
        out.hits.append(Hit(f"{what}{when}{where}", sites, until))
    return out


def read_finding(
    rule: Contraindication, t: FindingTrigger, intake: Intake, today: date, body: BodyMap
) -> Reading:
    out = Reading()
    if intake.skin_findings is None:
        out.missing.append(("skin_findings", rule.question))
        return out
    matching = [(i, f) for i, f in enumerate(intake.skin_findings) if f.finding in t.findings]
    if t.same_area and matching and intake.areas is None:
        out.missing.append(("areas", AREAS_QUESTION))
        return out
    for i, record in matching:
        treated = body.overlapping([record.site], intake.areas or [])
        if t.same_area and not treated:
            continue
        what = f"{_words(record.finding)} at {record.site}"
        until = _ongoing_until(rule, today)
        if t.younger_than_days is not None:
            if record.since is None:
                out.missing.append((f"skin_findings.{i}.since", f"When did the {what} begin?"))
                continue
            if record.since + timedelta(days=t.younger_than_days) <= today:
                continue
            what += f" since {record.since.isoformat()}"
            until = _after(rule, record.since)
        sites = treated if t.same_area else _treated_part(rule, body, intake, [record.site])
        if sites and not t.same_area:
            what += f" (a treated area: {_sites(sites)})"
        out.hits.append(Hit(what, sites, until))
    return out


def read_pregnancy(
    rule: Contraindication, t: PregnancyTrigger, intake: Intake, today: date, body: BodyMap
) -> Reading:
    out = Reading()
    if not intake.applies_to_sex("pregnant"):
        return out
    if intake.pregnant is None:
        out.missing.append(("pregnant", rule.question))
    elif intake.pregnant:
        out.hits.append(Hit("pregnant", None, _ongoing_until(rule, today)))
    return out


def read_breastfeeding(
    rule: Contraindication, t: BreastfeedingTrigger, intake: Intake, today: date, body: BodyMap
) -> Reading:
    out = Reading()
    if not intake.applies_to_sex("breastfeeding"):
        return out
    if intake.breastfeeding is None:
        out.missing.append(("breastfeeding", rule.question))
    elif intake.breastfeeding:
        out.hits.append(Hit("breastfeeding", None, _ongoing_until(rule, today)))
    return out


def read_fitzpatrick(
    rule: Contraindication, t: FitzpatrickTrigger, intake: Intake, today: date, body: BodyMap
) -> Reading:
    out = Reading()
    if intake.fitzpatrick_type is None:
        out.missing.append(("fitzpatrick_type", rule.question))
    elif intake.fitzpatrick_type in t.types:
        out.hits.append(Hit(f"Fitzpatrick skin type {intake.fitzpatrick_type}"))
    return out


def read_age(
    rule: Contraindication, t: AgeTrigger, intake: Intake, today: date, body: BodyMap
) -> Reading:
    out = Reading()
    age = intake.age_on(today)
    if age is None:
        out.missing.append(("date_of_birth", rule.question))
    elif t.at_least_years <= age < t.below_years:
        out.hits.append(Hit(f"aged {age} years", None, _ongoing_until(rule, today)))
    return out


def read_allergy(
    rule: Contraindication, t: AllergyTrigger, intake: Intake, today: date, body: BodyMap
) -> Reading:
    out = Reading()
    codes = intake.allergy_codes()
    if codes is None:
        out.missing.append(("allergies", rule.question))
        return out
    found = [a for a in codes if a in t.substances]
    if found:
        out.hits.append(Hit("allergy to " + ", ".join(_words(a) for a in found)))
    return out
