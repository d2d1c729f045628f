"""docs/planning.md documents every planning rule id the code can emit (Datasette style)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

from microneedling.knowledge.aftercare import MilestoneAnchor
from microneedling.planning.request import RequestedCourse

ROOT = Path(__file__).resolve().parents[3]
PLANNING = ROOT / "src" / "microneedling" / "planning"
DOC = (ROOT / "docs" / "planning.md").read_text(encoding="utf-8")


def rule_ids() -> set[str]:
    found: set[str] = set()
    for path in PLANNING.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r'\brule="([a-z_]+)"', text))
        found |= set(re.findall(r'^[A-Z_]+ = "([a-z_]+)"$', text, flags=re.MULTILINE))
        found |= set(re.findall(r'most_sessions\(\s*\[.*?\],\s*"([a-z_]+)"', text, re.DOTALL))
    found |= {f"milestone_{anchor}" for anchor in get_args(MilestoneAnchor)}
    return found


def test_the_scan_finds_the_rules() -> None:
    assert {
        "concern_guide",
        "site_safe_max",
        "precaution_cap",
        "interval_after_previous",
        "course_most_sessions",
    } <= rule_ids()


def test_every_rule_id_is_documented() -> None:
    missing = sorted(r for r in rule_ids() if f"`{r}`" not in DOC)
    assert missing == []


def test_every_request_field_is_documented() -> None:
    fields = [*RequestedCourse.model_fields, "intake"]
    missing = sorted(f for f in fields if f"`{f}`" not in DOC)
    assert missing == []
