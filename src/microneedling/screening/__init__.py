"""Candidacy screening: an intake in, one decision out, with every reason and its source."""

from microneedling.screening.intake import (
    ConditionRecord,
    Intake,
    MedicationRecord,
    OtherAllergy,
    ProcedureRecord,
    SkinFinding,
)
from microneedling.screening.policy import Relaxation, ScreeningPolicy
from microneedling.screening.result import (
    Decision,
    Finding,
    MissingAnswer,
    RuleKind,
    ScreeningResult,
    SourceRef,
)
from microneedling.screening.screen import decide, screen

__all__ = [
    "ConditionRecord",
    "Decision",
    "Finding",
    "Intake",
    "MedicationRecord",
    "MissingAnswer",
    "OtherAllergy",
    "ProcedureRecord",
    "Relaxation",
    "RuleKind",
    "ScreeningPolicy",
    "ScreeningResult",
    "SkinFinding",
    "SourceRef",
    "decide",
    "screen",
]
