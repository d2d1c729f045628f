"""The generated model pages are up to date and docs/model.md covers the public API."""

from __future__ import annotations

from pathlib import Path

import microneedling.model as model
from microneedling.model.parameters_report import markdown

ROOT = Path(__file__).resolve().parents[3]


def test_the_parameter_page_is_up_to_date() -> None:
    page = (ROOT / "docs" / "model-parameters.md").read_text(encoding="utf-8")
    assert page == markdown(), (
        "docs/model-parameters.md is stale: run "
        "`uv run python -m microneedling.model.parameters_report > docs/model-parameters.md`"
    )


def test_every_public_name_is_documented() -> None:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    missing = [name for name in model.__all__ if f"`{name}" not in text]
    assert missing == []
