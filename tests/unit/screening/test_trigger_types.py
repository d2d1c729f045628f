"""The trigger table: every trigger type the knowledge base can hold is read and described."""

from __future__ import annotations

from typing import get_args

from microneedling.knowledge import load_knowledge
from microneedling.knowledge.contraindications import Trigger
from microneedling.screening.trigger_types import TRIGGER_TYPES, describe_trigger


def test_every_trigger_type_has_one_entry() -> None:
    union, _ = get_args(Trigger)
    assert set(get_args(union)) == set(TRIGGER_TYPES)


def test_every_rule_is_described_in_words() -> None:
    for rule in load_knowledge().contraindications.values():
        words = describe_trigger(rule)
        assert words, rule.id
        assert "_" not in words, rule.id
