"""Small builders and readers shared by the FHIR mapping: ids, references, extensions, times.

A resource's id is its kind and the record's id (``Patient/patient-3``); the record's id is
also kept as an identifier (system ``urn:microneedling:<kind>``) so that an import can tell a
duplicate. Values FHIR has no element for travel in extensions named ``urn:microneedling:
extension:<name>`` (listed in docs/interop.md), so that an import recreates the record whole.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from microneedling.clinic.interop.terms import BASE, EXT

Resource = dict[str, Any]


def rid(kind: str, record_id: int | str) -> str:
    return f"{kind.lower()}-{record_id}"


def ref(resource_type: str, record_id: int | str, kind: str | None = None) -> dict[str, str]:
    """A literal reference to a resource of the same export."""
    return {"reference": f"{resource_type}/{rid(kind or resource_type, record_id)}"}


def identifier(kind: str, record_id: int | str) -> dict[str, str]:
    return {"system": f"{BASE}:{kind.lower()}", "value": str(record_id)}


def base(resource_type: str, record_id: int | str, kind: str | None = None) -> Resource:
    name = kind or resource_type
    return {
        "resourceType": resource_type,
        "id": rid(name, record_id),
        "identifier": [identifier(name, record_id)],
    }


def moment(value: datetime) -> str:
    """An aware moment as a FHIR dateTime in UTC (microseconds kept)."""
    return value.astimezone(UTC).isoformat()


def parse_moment(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a time needs its zone")
    return value.astimezone(UTC)


def ext(name: str, value: Any, kind: str | None = None) -> dict[str, Any]:
    """An extension holding ``value``; ``kind`` picks the FHIR type (else from the value)."""
    url = EXT + name
    if kind is None:
        if isinstance(value, bool):
            kind = "Boolean"
        elif isinstance(value, int):
            kind = "Integer"
        elif isinstance(value, datetime):
            return {"url": url, "valueDateTime": moment(value)}
        elif isinstance(value, date):
            return {"url": url, "valueDate": value.isoformat()}
        elif isinstance(value, float):
            kind = "Decimal"
        elif isinstance(value, str):
            kind = "String"
        elif isinstance(value, dict) and "reference" in value:
            kind = "Reference"
        else:
            # A document (a core model's JSON): kept whole, as canonical JSON text.
            return {"url": url, "valueString": json.dumps(value, sort_keys=True)}
    return {"url": url, f"value{kind}": value}


def extensions(**values: Any) -> list[dict[str, Any]]:
    """Extensions for every value that is not None."""
    return [ext(name.replace("_", "-"), v) for name, v in values.items() if v is not None]


def get_ext(element: Resource, name: str) -> Any:
    """The value of the named extension (None if absent)."""
    for item in element.get("extension", []):
        if item.get("url") == EXT + name:
            for key, value in item.items():
                if key.startswith("value"):
                    return value
    return None


def get_doc(element: Resource, name: str) -> Any:
    text = get_ext(element, name)
    return None if text is None else json.loads(text)


def staff_ref(staff_id: int | None) -> dict[str, str] | None:
    return None if staff_id is None else ref("Practitioner", staff_id)


def ref_id(reference: dict[str, Any] | None) -> str | None:
    """The ``Type/id`` a reference points to."""
    return None if reference is None else reference.get("reference")
