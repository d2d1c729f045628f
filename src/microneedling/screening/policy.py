"""The screening policy: the rule set as packaged (conservative), or with named rules relaxed.

Where sources disagree, a rule's default follows the more conservative source and its data say
so (``sources_disagree``, with the relaxed form the permissive source supports). A clinic may
switch a named rule to that relaxed form only with a written reason and a source; every
screening records the relaxations in force (:class:`ScreeningPolicy`) beside the rule-set
version. Clinics set relaxations in ``MICRONEEDLING_RULE_RELAXATIONS`` (JSON list of
``{"rule_id", "reason", "source"}``), checked when the clinic starts.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from microneedling.errors import InvalidInput
from microneedling.knowledge import Contraindication, KnowledgeBase

ENV_VAR = "MICRONEEDLING_RULE_RELAXATIONS"


class Relaxation(BaseModel):
    """One rule a clinic relaxes, why, and on what source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rule_id: str = Field(min_length=1, description="id of a rule that has a relaxed form")
    reason: str = Field(min_length=1, description="the clinic's written reason")
    source: str = Field(
        min_length=1, description="what supports it: a reference id or a full citation"
    )

    @field_validator("rule_id", "reason", "source")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("is blank")
        return value.strip()


class ScreeningPolicy(BaseModel):
    """The relaxations in force; empty is the packaged, conservative rule set."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    relaxations: list[Relaxation] = Field(default_factory=list)

    def relaxation(self, rule_id: str) -> Relaxation | None:
        return next((r for r in self.relaxations if r.rule_id == rule_id), None)

    def check(self, kb: KnowledgeBase, field: str = ENV_VAR) -> None:
        """Raise :class:`InvalidInput` naming the field if a relaxation names no relaxable rule."""
        relaxable = [r.id for r in kb.contraindications.values() if r.sources_disagree]
        seen: set[str] = set()
        for i, relax in enumerate(self.relaxations):
            where = f"{field}.{i}.rule_id"
            if relax.rule_id not in kb.contraindications:
                raise InvalidInput(
                    where,
                    f"unknown rule '{relax.rule_id}' (rules that may be relaxed: "
                    f"{', '.join(relaxable)})",
                )
            if relax.rule_id not in relaxable:
                raise InvalidInput(
                    where,
                    f"rule '{relax.rule_id}' has no relaxed form: its sources do not disagree "
                    f"(rules that may be relaxed: {', '.join(relaxable)})",
                )
            if relax.rule_id in seen:
                raise InvalidInput(where, f"rule '{relax.rule_id}' is relaxed twice")
            seen.add(relax.rule_id)

    def apply(self, rule: Contraindication) -> Contraindication:
        """``rule`` as this policy applies it: the relaxed form if relaxed, else unchanged."""
        relax = self.relaxation(rule.id)
        if relax is None or rule.sources_disagree is None:
            return rule
        return rule.relaxed()


def policy_from_json(text: str | None, kb: KnowledgeBase, field: str = ENV_VAR) -> ScreeningPolicy:
    """Parse and check a relaxation list; one clear :class:`InvalidInput` naming the field."""
    if text is None or not text.strip():
        return ScreeningPolicy()
    try:
        raw: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(field, f"is not valid JSON ({error.msg} at {error.pos})") from None
    if not isinstance(raw, list):
        raise InvalidInput(field, 'must be a JSON list of {"rule_id", "reason", "source"}')
    try:
        policy = ScreeningPolicy(relaxations=raw)
    except ValidationError as error:
        first = error.errors()[0]
        loc = [str(p) for p in first["loc"][1:]]  # drop "relaxations"
        missing = first["type"] == "missing"
        problem = "is missing (a relaxation needs a rule_id, a reason and a source)"
        raise InvalidInput(".".join([field, *loc]), problem if missing else first["msg"]) from None
    policy.check(kb, field)
    return policy
