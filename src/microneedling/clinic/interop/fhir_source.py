"""Reading a FHIR import: NDJSON files (one resource a line) and Bundles, each resource checked
against the FHIR R4 models (``fhir.resources``, R4B), no id or identifier twice, and every
reference resolving inside the import. The first problem found is raised as one
:class:`InvalidInput` naming the resource, the field and where it was read, before anything is
written."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from pydantic import ValidationError

from microneedling.clinic.interop.fhir_export import references
from microneedling.clinic.interop.resources import Resource
from microneedling.errors import InvalidInput


@dataclass
class FhirSource:
    """Resources by ``Type/id``, in the order read, and where each came from."""

    folder: Path
    resources: dict[str, Resource] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)

    def of_type(self, kind: str) -> list[Resource]:
        return [r for r in self.resources.values() if r["resourceType"] == kind]

    def get(self, reference: str) -> Resource:
        return self.resources[reference]


def _fail(key: str, where: str, path: str, problem: str) -> InvalidInput:
    return InvalidInput(path or "resource", problem, f"{key} ({where})")


def _checked(data: Any, where: str) -> Resource:
    """One resource validated against its R4 model."""
    if not isinstance(data, dict) or not isinstance(data.get("resourceType"), str):
        raise InvalidInput("resourceType", "missing: not a FHIR resource", where)
    kind = data["resourceType"]
    key = f"{kind}/{data.get('id', '?')}"
    try:
        model = get_fhir_model_class(kind)
    except (KeyError, ValueError):
        raise _fail(key, where, "resourceType", f"'{kind}' is not an R4 resource type") from None
    try:
        model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        path = ".".join(str(p) for p in error["loc"] if p != "root")
        raise _fail(key, where, path, str(error["msg"]).removeprefix("Value error, ")) from None
    if not data.get("id"):
        raise _fail(key, where, "id", "missing: every resource needs an id to be referred to")
    return data


def _entries(path: Path) -> list[tuple[Any, str]]:
    """(resource, where) pairs of one file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ndjson":
        out = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append((json.loads(line), f"{path.name} line {number}"))
            except ValueError as exc:
                raise InvalidInput(
                    "line", f"not JSON: {exc}", f"{path.name} line {number}"
                ) from None
        return out
    try:
        bundle = json.loads(text)
    except ValueError as exc:
        raise InvalidInput("file", f"not JSON: {exc}", path.name) from None
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise InvalidInput("resourceType", "a .json file must hold a Bundle", path.name)
    entries = bundle.get("entry") or []
    return [(e.get("resource") if isinstance(e, dict) else None,
             f"{path.name} entry {i}") for i, e in enumerate(entries)]  # fmt: skip


def read_source(folder: Path) -> FhirSource:
    """Every resource of the ``*.ndjson`` and ``*.json`` files in ``folder``, checked."""
    if not folder.is_dir():
        raise InvalidInput("DIR", f"{folder} is not a folder")
    files = sorted(p for p in folder.iterdir() if p.suffix in (".ndjson", ".json"))
    if not files:
        raise InvalidInput("DIR", f"{folder} holds no .ndjson or .json files")
    source = FhirSource(folder)
    seen_identifiers: dict[tuple[str, str, str], str] = {}
    for path in files:
        for data, where in _entries(path):
            resource = _checked(data, where)
            key = f"{resource['resourceType']}/{resource['id']}"
            if key in source.resources:
                raise _fail(key, where, "id", f"appears twice (also {source.origin[key]})")
            for ident in _identifiers(resource):
                system, value = ident.get("system", ""), ident.get("value", "")
                marker = (resource["resourceType"], system, value)
                if marker in seen_identifiers:
                    raise _fail(key, where, "identifier", f"{system}|{value} is also the "
                                f"identifier of {seen_identifiers[marker]}")  # fmt: skip
                seen_identifiers[marker] = key
            source.resources[key] = resource
            source.origin[key] = where
    for key, resource in source.resources.items():
        for path_, target in references(resource):
            if target not in source.resources:
                raise _fail(key, source.origin[key], f"{path_}.reference",
                            f"refers to {target}, which is not in the import")  # fmt: skip
    return source


def _identifiers(resource: Resource) -> list[dict[str, Any]]:
    found = resource.get("identifier") or []
    return [found] if isinstance(found, dict) else list(found)
