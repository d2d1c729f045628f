"""Knowledge-base ids in the clinic's API schemas, as enums of the packaged knowledge base's ids.

The enum itself is :class:`microneedling.knowledge.known_ids.OneOfKnown` (one place, shared with
the planner's request); here are the clinic's id types, shaped as stored (:data:`EntryRef`) and
published as the ids that exist, and :func:`lot_fits_device`, which publishes from the same
knowledge base which cartridge, needle count and length fit each device (a lot's rule).
"""

from __future__ import annotations

from typing import Annotated, Any

from microneedling.clinic.text import EntryRef
from microneedling.knowledge import load_knowledge
from microneedling.knowledge.known_ids import OneOfKnown, known_ids

__all__ = [
    "CartridgeRef",
    "ConcernRef",
    "DeviceRef",
    "SiteRef",
    "known_ids",
    "lot_fits_device",
]

DeviceRef = Annotated[EntryRef, OneOfKnown("devices")]
ConcernRef = Annotated[EntryRef, OneOfKnown("concerns")]
SiteRef = Annotated[EntryRef, OneOfKnown("sites")]
CartridgeRef = Annotated[EntryRef, OneOfKnown("cartridges")]


def lot_fits_device(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of a lot: one branch per device (and pen cartridge) of what fits it.

    The same rules as :func:`microneedling.clinic.services.devices.check_lot_fits`, stated from
    the same knowledge base: a pen's lot names one of its cartridges and that cartridge's needle
    count; a roller's names no cartridge, its needle count and its one needle length; no lot's
    needles are longer than the device's labelled maximum.
    """
    branches: list[dict[str, Any]] = []
    for device_id, device in sorted(load_knowledge().devices.items()):
        longest = {"maximum": device.labelled_max_depth_mm}
        if device.kind == "pen":
            branches += [
                {
                    "properties": {
                        "device_type": {"const": device_id},
                        "cartridge_id": {"const": cartridge.id},
                        "needle_count": {"const": cartridge.needle_count},
                        "needle_length_mm": longest,
                    },
                    "required": ["cartridge_id"],
                }
                for cartridge in device.cartridges
            ]
            continue
        roller: dict[str, Any] = {
            "device_type": {"const": device_id},
            "cartridge_id": {"type": "null"},
            "needle_length_mm": {"const": device.needle_length_mm.low} | longest,
        }
        if device.roller_needle_count:
            roller["needle_count"] = {"const": device.roller_needle_count}
        branches.append({"properties": roller})
    schema["anyOf"] = branches
