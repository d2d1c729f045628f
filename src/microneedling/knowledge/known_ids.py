"""The ids of the packaged knowledge base, published as a field's JSON Schema ``enum``.

The one place that turns a catalogue into an enum, at the lowest layer so the planner's request
(``planning``) and the clinic's schemas (``clinic.known_ids``) both use it. A field so annotated
is still checked against the knowledge base by whoever reads it (naming the field and the close
ids when refused); the enum only makes the published schema say which values exist, so a client
(or a fuzzer) reading it sends one the server accepts. The list is read when the schema is
generated, not at import, and it is the packaged knowledge base's: the one every clinic serves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from microneedling.knowledge.load import load_knowledge

IdList = Literal["devices", "concerns", "sites", "cartridges"]


def known_ids(ids: IdList) -> list[str]:
    """The ids of one catalogue of the packaged knowledge base, sorted (cartridges: those of
    every pen)."""
    kb = load_knowledge()
    if ids == "cartridges":
        return sorted({c.id for device in kb.devices.values() for c in device.cartridges})
    entries: Any = getattr(kb, ids)
    return sorted(entries)


@dataclass(frozen=True)
class OneOfKnown:
    """Annotation: publish the knowledge base's ``ids`` as the field's ``enum``."""

    ids: IdList

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["enum"] = known_ids(self.ids)
        return schema
