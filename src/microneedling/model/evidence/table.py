"""The evidence table: every row, and the role each plays.

Roles are kept apart from the rows. A row is **fit** when a parameter names it in its
``fitted_to`` (the parameter set is the one place that says so), **check** when ``roles.yaml``
lists it under ``check`` (an independent test of the model), or **apart** when the model has no
output for it or ``roles.yaml`` says why it cannot be compared; apart rows are listed, not
counted. A check the model misses today is listed under ``known_misses`` with the reason: it
stays a check, counted as a failure on the validation page. Every row has exactly one
role: :func:`role_problems` lists any row with none or two.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import TypeAdapter

from microneedling.model.evidence.scenarios import can_model
from microneedling.model.evidence.schema import Evidence
from microneedling.model.parameters import Parameter, full_parameter_set

Role = Literal["fit", "check", "apart"]

_ROWS = TypeAdapter(list[Evidence])


def _read(name: str) -> Any:
    text = resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def evidence_rows() -> tuple[Evidence, ...]:
    """Every row of ``clinical.yaml``, validated; ids are unique."""
    rows = tuple(_ROWS.validate_python(_read("clinical.yaml")))
    seen: set[str] = set()
    for row in rows:
        if row.id in seen:
            raise ValueError(f"evidence id {row.id!r} appears twice")
        seen.add(row.id)
    return rows


@dataclass(frozen=True)
class Roles:
    """The role of every row: fit ids, check ids, and the rows set apart with the reason."""

    fit: frozenset[str]
    check: frozenset[str]
    apart: Mapping[str, str]
    known_misses: Mapping[str, str]

    def of(self, row_id: str) -> Role:
        if row_id in self.fit:
            return "fit"
        if row_id in self.check:
            return "check"
        return "apart"


def fitted_rows(parameters: Mapping[str, Parameter]) -> frozenset[str]:
    """Every row some parameter was fitted to."""
    return frozenset(r for p in parameters.values() for r in p.fitted_to)


@cache
def roles() -> Roles:
    """The roles of the shipped table under the full parameter set."""
    data = _read("roles.yaml") or {}
    return build_roles(evidence_rows(), full_parameter_set(), data)


def build_roles(
    rows: tuple[Evidence, ...], parameters: Mapping[str, Parameter], data: Mapping[str, Any]
) -> Roles:
    """Roles from the parameters' ``fitted_to`` and ``roles.yaml``'s ``check`` and ``apart``;
    rows the model has no output for are set apart with that reason."""
    apart = {str(k): str(v) for k, v in (data.get("apart") or {}).items()}
    for row in rows:
        if not can_model(row) and row.id not in apart:
            apart[row.id] = f"the model has no output for {row.quantity}"
    misses = {str(k): str(v) for k, v in (data.get("known_misses") or {}).items()}
    return Roles(
        fit=fitted_rows(parameters),
        check=frozenset(str(x) for x in data.get("check") or ()) | frozenset(misses),
        apart=apart,
        known_misses=misses,
    )


def role_problems(rows: tuple[Evidence, ...], r: Roles) -> list[str]:
    """Rows with no role or more than one, and roles naming rows that do not exist."""
    ids = {row.id for row in rows}
    out: list[str] = []
    for row in rows:
        named = [
            n for n, s in (("fit", r.fit), ("check", r.check), ("apart", r.apart)) if row.id in s
        ]
        if len(named) != 1:
            out.append(f"{row.id}: roles {named or 'none'} (exactly one is needed)")
    for name, group in (("fit", r.fit), ("check", r.check), ("apart", set(r.apart))):
        for missing in sorted(set(group) - ids):
            out.append(f"{missing}: named as {name} but not in the evidence table")
    return out
