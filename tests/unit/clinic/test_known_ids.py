"""Knowledge-base ids are published in the API's schema as the knowledge base's own ids, and
what fits a device as the same knowledge base says."""

from __future__ import annotations

import jsonschema_rs

from microneedling.clinic.known_ids import known_ids
from microneedling.clinic.schemas.treatments import AreaIn
from microneedling.clinic.services.devices import DeviceIn, LotIn, check_lot_fits
from microneedling.clinic.services.outcomes import OutcomeFilter, OutcomeIn, PhotoIn
from microneedling.errors import InvalidInput
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


def test_site_and_cartridge_fields_list_exactly_the_knowledge_bases_ids() -> None:
    kb = load_knowledge()
    sites = sorted(kb.sites)
    cartridges = sorted({c.id for device in kb.devices.values() for c in device.cartridges})
    assert len(sites) >= 10
    assert len(cartridges) >= 3
    assert _enum(PhotoIn.model_json_schema(), "site") == sites
    assert _enum(AreaIn.model_json_schema(), "site") == sites
    assert _enum(LotIn.model_json_schema(), "cartridge_id") == cartridges


def _lots() -> list[dict[str, object]]:
    """Every device with every cartridge id (and none), needle count and length that any
    device of the knowledge base has: the fitting lots and their near misses."""
    kb = load_knowledge()
    cartridges: list[str | None] = [None, *known_ids("cartridges")]
    counts = sorted(
        {c.needle_count for d in kb.devices.values() for c in d.cartridges}
        | {d.roller_needle_count for d in kb.devices.values() if d.roller_needle_count}
    )
    lengths = sorted(
        length
        for length in {d.needle_length_mm.low for d in kb.devices.values()}
        | {d.labelled_max_depth_mm for d in kb.devices.values()}
        | {d.labelled_max_depth_mm + 0.5 for d in kb.devices.values()}
        if 0 < length <= 5  # the field's own bounds
    )
    return [
        {
            "lot_number": "L1",
            "device_type": device,
            "cartridge_id": cartridge,
            "needle_count": count,
            "needle_length_mm": length,
            "expires_on": "2030-01-01",
        }
        for device in sorted(kb.devices)
        for cartridge in cartridges
        for count in counts
        for length in lengths
    ]


def test_a_lot_fits_its_device_in_the_schema_exactly_when_the_server_says_so() -> None:
    kb = load_knowledge()
    validator = jsonschema_rs.validator_for(LotIn.model_json_schema())
    lots = _lots()
    fitting = 0
    for lot in lots:
        try:
            check_lot_fits(kb, LotIn.model_validate(lot))
            accepted = True
        except InvalidInput:
            accepted = False
        assert validator.is_valid(lot) == accepted, lot
        fitting += accepted
    # Both sides are exercised: some lots fit, most do not.
    assert 0 < fitting < len(lots)
