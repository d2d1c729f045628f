"""docs/interop.md publishes the local CodeSystem, the body-site codes and every resource type
the export writes: a term or type added without its documentation fails here."""

from __future__ import annotations

from pathlib import Path

import pytest

from microneedling.clinic.interop.fhir_export import ORDER
from microneedling.clinic.interop.terms import BODY_SITES, FIXED_TERMS, scale_code
from microneedling.knowledge import load_knowledge

DOC = (Path(__file__).resolve().parents[2] / "docs" / "interop.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("code", [code for code, _display, _definition in FIXED_TERMS])
def test_local_term_is_documented(code: str) -> None:
    assert f"`{code}`" in DOC


@pytest.mark.parametrize("site", sorted(BODY_SITES))
def test_body_site_codes_are_documented(site: str) -> None:
    row = next(line for line in DOC.splitlines() if line.startswith(f"| `{site}` |"))
    for code, display in BODY_SITES[site]:
        assert f"{code} {display}" in row


def test_every_scale_code_is_documented() -> None:
    for concern in load_knowledge().concerns.values():
        assert f"`{scale_code(concern.scale.name)}`" in DOC, concern.id


@pytest.mark.parametrize("kind", ORDER)
def test_resource_type_has_a_mapping_row(kind: str) -> None:
    assert any(line.startswith(f"| {kind} ") for line in DOC.splitlines()), kind
