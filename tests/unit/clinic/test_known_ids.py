"""Knowledge-base ids are published in the API's schema as the knowledge base's own ids."""

from __future__ import annotations

from microneedling.clinic.services.devices import DeviceIn, LotIn
from microneedling.clinic.services.outcomes import OutcomeFilter, OutcomeIn
from microneedling.knowledge import load_knowledge


def _enum(schema: dict[str, object], field: str) -> list[str]:
    properties = schema["properties"]
    assert isinstance(properties, dict)
    published = properties[field]
    # An optional field is anyOf [the id, null].
    for branch in published.get("anyOf", [published]):
        if "enum" in branch:
            return list(branch["enum"])
    raise AssertionError(f"{field} publishes no enum: {published}")


def test_device_and_concern_fields_list_exactly_the_knowledge_bases_ids() -> None:
    kb = load_knowledge()
    devices, concerns = sorted(kb.devices), sorted(kb.concerns)
    assert len(devices) >= 5
    assert len(concerns) >= 10
    assert _enum(DeviceIn.model_json_schema(), "device_type") == devices
    assert _enum(LotIn.model_json_schema(), "device_type") == devices
    assert _enum(OutcomeIn.model_json_schema(), "concern") == concerns
    assert _enum(OutcomeFilter.model_json_schema(), "concern") == concerns
