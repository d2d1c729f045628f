"""The rule schema refuses rules that could never fire, or that mix up what their kind means."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from microneedling.errors import KnowledgeBaseError
from microneedling.knowledge import Contraindication, load_knowledge_from

GOOD: dict[str, Any] = {
    "id": "example",
    "name": "Example",
    "kind": "temporary",
    "reads": "whole_body",
    "waiting_days": 28,
    "trigger": {"type": "procedure", "kinds": ["surgery"], "within_days": 28},
    "reason": "r",
    "question": "q?",
    "sources": [{"ref": "alster2018"}],
}


def test_the_good_rule_is_accepted() -> None:
    assert Contraindication.model_validate(GOOD).waiting_days == 28


@pytest.mark.parametrize(
    ("patch", "words"),
    [
        ({"trigger": {"type": "condition", "codes": ["lupus"]}}, "keloid_tendency"),
        ({"trigger": {"type": "finding", "findings": ["mole"]}}, "naevus"),
        ({"waiting_days": None}, "needs waiting_days"),
        ({"kind": "precaution", "waiting_days": None}, "at least one measure"),
        ({"kind": "absolute", "waiting_days": None, "max_depth_mm": 1.0}, "only a precaution"),
        ({"kind": "absolute"}, "only a temporary"),
        ({"waiting_days": 30}, "window must equal"),
        ({"sources": []}, "at least 1"),
        ({"trigger": {"type": "fitzpatrick", "types": [7]}}, "less than or equal to 6"),
        ({"reads": "treated_areas"}, "needs a same_area trigger"),
        ({"reads": "everywhere"}, "treated_areas"),
        (
            {
                "trigger": {
                    "type": "procedure",
                    "kinds": ["surgery"],
                    "within_days": 28,
                    "same_area": True,
                }
            },
            "reads the treated_areas",
        ),
        (
            {
                "kind": "precaution",
                "waiting_days": None,
                "measures": ["m"],
                "trigger": {"type": "age", "below_years": 20},
                "reads": "both",
            },
            "whole_body",
        ),
    ],
)
def test_bad_rules_are_refused(patch: dict[str, Any], words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Contraindication.model_validate({**GOOD, **patch})
    assert words in str(caught.value)


def test_loader_names_file_entry_and_field_of_a_bad_code(tmp_path: Path) -> None:
    source = resources.files("microneedling.knowledge") / "data"
    target = tmp_path / "data"
    with resources.as_file(source) as directory:
        shutil.copytree(directory, target)
    path = target / "contraindications.yaml"
    rules = yaml.safe_load(path.read_text(encoding="utf-8"))
    rules[0]["trigger"] = {"type": "condition", "codes": ["lupus"]}
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_from(target)
    assert caught.value.file == "contraindications.yaml"
    assert caught.value.entry == rules[0]["id"]
    assert caught.value.field == "trigger.condition.codes.0"
