"""The shipped intake JSON Schema accepts the examples and refuses what the model refuses."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from microneedling.cli.schema import intake_schema
from microneedling.screening import Intake

EXAMPLES = sorted((Path(__file__).parents[3] / "examples").glob("intake-*.yaml"))


def _as_json(value: Any) -> Any:
    """YAML reads dates as date objects; in JSON they are ISO strings."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    return value


def test_there_are_examples() -> None:
    names = {p.stem for p in EXAMPLES}
    assert {
        "intake-eligible",
        "intake-precautions",
        "intake-deferred",
        "intake-not-eligible",
        "intake-incomplete",
    } <= names


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_validate_against_the_schema_and_the_model(path: Path) -> None:
    document = _as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    jsonschema.Draft202012Validator(intake_schema()).validate(document)
    Intake.model_validate(document)


@pytest.mark.parametrize(
    "document",
    [
        {"fitzpatrick_type": 7},
        {"conditions": [{"code": "lupus"}]},
        {"allergies": ["pollen"]},
        {"skin_findings": [{"site": "cheeks"}]},
        {"unknown_field": True},
    ],
)
def test_schema_refuses_bad_documents(document: dict[str, object]) -> None:
    validator = jsonschema.Draft202012Validator(intake_schema())
    assert not validator.is_valid(document)


def test_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(intake_schema())
