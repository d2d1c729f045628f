"""Knowledge-base ids in the API's schema: the ids the packaged knowledge base knows, as an enum.

A field typed :data:`DeviceRef` or :data:`ConcernRef` is still checked against the knowledge
base by the service (which names the field and the close ids when it is refused); this only
makes the published JSON Schema say which values exist, so a client (or a fuzzer) reading the
schema sends one the server accepts. The list is read when the schema is generated, not at
import, and it is the packaged knowledge base's: the one every clinic serves
(:attr:`Clinic.kb`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from microneedling.clinic.text import EntryRef
from microneedling.knowledge import load_knowledge

Catalogue = Literal["devices", "concerns"]


def known_ids(catalogue: Catalogue) -> list[str]:
    """The ids of one catalogue of the packaged knowledge base, sorted."""
    entries: Any = getattr(load_knowledge(), catalogue)
    return sorted(entries)


@dataclass(frozen=True)
class OneOfKnown:
    """Annotation: publish the catalogue's ids as the field's ``enum``."""

    catalogue: Catalogue

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["enum"] = known_ids(self.catalogue)
        return schema


DeviceRef = Annotated[EntryRef, OneOfKnown("devices")]
ConcernRef = Annotated[EntryRef, OneOfKnown("concerns")]
