"""What screening decides, and why: the contract planning, the clinic and the pages rely on."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from microneedling.knowledge import Citation, KnowledgeBase
from microneedling.screening.policy import ScreeningPolicy

Decision = Literal[
    "eligible", "eligible_with_precautions", "deferred", "not_eligible", "incomplete"
]
RuleKind = Literal["absolute", "temporary", "precaution"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceRef(_Frozen):
    """A citation resolved for display: reference id, short label and identifier."""

    ref: str
    label: str = Field(description="e.g. 'Alster et al. 2018, Dermatol Surg'")
    identifier: str | None = Field(default=None, description="doi:..., PMID:... or URL")
    detail: str | None = None


def cite(kb: KnowledgeBase, citations: list[Citation]) -> list[SourceRef]:
    """Knowledge-base citations resolved for display (label and DOI/PMID/URL), in order.

    The one resolver: screening reasons and every planning explanation cite through it.
    """
    out: list[SourceRef] = []
    for citation in citations:
        ref = kb.references.require(citation.ref, "sources")
        out.append(
            SourceRef(
                ref=ref.id, label=ref.short(), identifier=ref.identifier(), detail=citation.detail
            )
        )
    return out


class Finding(_Frozen):
    """One rule that fired, with its plain-language reason and its sources."""

    rule_id: str
    rule_name: str
    kind: RuleKind
    reason: str
    evidence: str = Field(description="the intake answer that triggered it, in words")
    sources: list[SourceRef] = Field(min_length=1)
    measures: list[str] = Field(default_factory=list)
    max_depth_mm: float | None = None
    deferred_until: date | None = None
    sites: list[str] | None = Field(
        default=None, description="sites the finding concerns; None for the whole patient"
    )


class MissingAnswer(_Frozen):
    """An intake question that must be answered before a decision can be made."""

    field: str = Field(description="dotted path in the intake, e.g. 'pregnant'")
    question: str
    rule_ids: list[str] = Field(description="rules that cannot be evaluated without it")


class ScreeningResult(_Frozen):
    """The one decision for an intake on a given day, under a given rule-set version."""

    decision: Decision
    screened_on: date
    ruleset_version: str
    findings: list[Finding] = Field(default_factory=list)
    missing: list[MissingAnswer] = Field(default_factory=list)
    deferred_until: date | None = None
    policy: ScreeningPolicy = Field(
        default_factory=ScreeningPolicy,
        description="the relaxations in force when screened (none: the conservative defaults)",
    )

    @property
    def may_treat(self) -> bool:
        """True only for the two eligible decisions."""
        return self.decision in ("eligible", "eligible_with_precautions")

    def depth_cap_mm(self, site: str | None = None) -> float | None:
        """The lowest depth cap any precaution sets for ``site`` (or patient-wide) [mm]."""
        caps = [
            f.max_depth_mm
            for f in self.findings
            if f.max_depth_mm is not None and (f.sites is None or site is None or site in f.sites)
        ]
        return min(caps) if caps else None

    def precautions(self) -> list[Finding]:
        return [f for f in self.findings if f.kind == "precaution"]
