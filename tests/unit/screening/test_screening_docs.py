"""docs/screening.md and docs/intake.md stay true to the code (Datasette style).

Run with ``UPDATE_DOCS=1`` to rewrite the generated rule table in docs/screening.md.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from microneedling.knowledge import load_knowledge
from microneedling.knowledge.contraindications import (
    ALLERGY_CODES,
    CONDITION_CODES,
    MEDICATION_CLASSES,
    PROCEDURE_KINDS,
    SKIN_FINDING_CODES,
)
from microneedling.screening import (
    ConditionRecord,
    Intake,
    MedicationRecord,
    ProcedureRecord,
    SkinFinding,
)
from microneedling.screening.rule_table import rules_markdown

DOCS = Path(__file__).parents[3] / "docs"
START, END = "<!-- rules:start -->\n", "<!-- rules:end -->"
KB = load_knowledge()


def test_rule_table_is_current() -> None:
    path = DOCS / "screening.md"
    text = path.read_text(encoding="utf-8")
    head, rest = text.split(START)
    _, tail = rest.split(END)
    wanted = head + START + rules_markdown(KB) + END + tail
    if os.environ.get("UPDATE_DOCS") == "1":
        path.write_text(wanted, encoding="utf-8")
    assert text == wanted, "docs/screening.md rule table is stale: run with UPDATE_DOCS=1"


def test_rule_table_lists_every_rule_id() -> None:
    text = (DOCS / "screening.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", text, flags=re.MULTILINE))
    assert listed == set(KB.contraindications)


def test_intake_doc_names_every_field_and_code() -> None:
    text = (DOCS / "intake.md").read_text(encoding="utf-8")
    models = (Intake, ConditionRecord, MedicationRecord, ProcedureRecord, SkinFinding)
    fields = {name for model in models for name in model.model_fields}
    codes = {
        *CONDITION_CODES,
        *MEDICATION_CLASSES,
        *PROCEDURE_KINDS,
        *ALLERGY_CODES,
        *SKIN_FINDING_CODES,
    }
    undocumented = sorted(n for n in fields | codes if f"`{n}`" not in text)
    assert not undocumented, f"docs/intake.md does not mention: {undocumented}"
