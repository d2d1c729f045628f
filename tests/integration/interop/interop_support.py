"""Helpers for the interop tests: a demo clinic's FHIR export read back, and a clinic's records
as comparable rows (ids replaced by their rank, so two databases compare record by record)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from microneedling.clinic.interop.fhir_export import references
from microneedling.clinic.models import Base

#: The tables an import recreates, in the order they refer to each other.
CARRIED = ("locations", "staff", "devices", "cartridge_lots", "patients", "intakes",
           "screenings", "plans", "plan_versions", "plan_consents", "appointments",
           "treatment_sessions", "treated_areas", "adverse_events", "outcomes",
           "photos")  # fmt: skip
#: Staff accounts are matched by username: the importing admin's own account was not imported,
#: and nobody's password travels.
NOT_COMPARED = {"staff": {"password_hash", "created_at"}}
#: Tables FHIR does not carry but carried rows point at, compared by rank only (none now: the
#: locations travel as Location resources of type site, each visit naming its own).
RANKED_ONLY: tuple[str, ...] = ()


def read_ndjson(folder: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted(folder.glob("*.ndjson")):
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return out


def dangling(resources: list[dict[str, Any]]) -> list[str]:
    """References that do not resolve inside ``resources`` (``Type/id path -> target``)."""
    keys = {f"{r['resourceType']}/{r['id']}" for r in resources}
    return [f"{r['resourceType']}/{r['id']} {path} -> {target}" for r in resources
            for path, target in references(r) if target not in keys]  # fmt: skip


def records(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """Every carried table's rows in id order, each id and foreign key replaced by the rank of
    the row it names in its table."""
    raw: dict[str, list[dict[str, Any]]] = {}
    ranks: dict[str, dict[int, int]] = {}
    with engine.connect() as connection:
        for name in (*CARRIED, *RANKED_ONLY):
            table = Base.metadata.tables[name]
            rows = [
                dict(r._mapping) for r in connection.execute(select(table).order_by(table.c.id))
            ]
            raw[name] = rows
            ranks[name] = {row["id"]: rank for rank, row in enumerate(rows)}
    out: dict[str, list[dict[str, Any]]] = {}
    for name in CARRIED:
        table = Base.metadata.tables[name]
        targets = {fk.parent.name: fk.column.table.name for fk in table.foreign_keys}
        skip = NOT_COMPARED.get(name, set()) | {"id"}
        out[name] = [
            {column: ranks[targets[column]][value] if column in targets and value is not None
             else value for column, value in row.items() if column not in skip}
            for row in raw[name]
        ]  # fmt: skip
    return out
