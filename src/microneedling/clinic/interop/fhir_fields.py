"""Reading the values of one imported resource, each missing or wrong value an InvalidInput
naming the resource, the field and where it was read."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from microneedling.clinic.interop.resources import Resource, parse_moment
from microneedling.clinic.interop.terms import EXT
from microneedling.errors import InvalidInput


class Fields:
    """One resource's values, read by name."""

    def __init__(self, resource: Resource, origin: str) -> None:
        self.resource = resource
        self.key = f"{resource['resourceType']}/{resource['id']}"
        self.origin = origin

    def fail(self, path: str, problem: str) -> InvalidInput:
        return InvalidInput(path, problem, f"{self.key} ({self.origin})")

    def need(self, value: Any, path: str) -> Any:
        if value is None:
            raise self.fail(path, "missing")
        return value

    def ext(self, name: str, element: Resource | None = None, *, required: bool = True) -> Any:
        """The value of extension ``name`` (on ``element``, default the resource)."""
        for item in (element if element is not None else self.resource).get("extension", []):
            if item.get("url") == EXT + name:
                for key, value in item.items():
                    if key.startswith("value"):
                        return value
        if required:
            raise self.fail(f"extension[{EXT}{name}]", "missing")
        return None

    def complex(self, name: str) -> list[Resource]:
        return [e for e in self.resource.get("extension", []) if e.get("url") == EXT + name]

    def doc(self, name: str, element: Resource | None = None, *, required: bool = True) -> Any:
        text = self.ext(name, element, required=required)
        if text is None:
            return None
        try:
            return json.loads(text)
        except ValueError:
            raise self.fail(f"extension[{EXT}{name}]", "is not JSON") from None

    def moment(self, text: Any, path: str) -> datetime:
        try:
            return parse_moment(self.need(text, path))
        except ValueError:
            raise self.fail(path, f"'{text}' is not a time with its zone") from None

    def maybe_moment(self, text: Any, path: str) -> datetime | None:
        return None if text is None else self.moment(text, path)

    def day(self, text: Any, path: str) -> date:
        try:
            return date.fromisoformat(str(self.need(text, path))[:10])
        except ValueError:
            raise self.fail(path, f"'{text}' is not a date") from None

    def target(self, reference: Any, path: str) -> str:
        """The ``Type/id`` a reference element points to."""
        if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
            raise self.fail(path, "missing reference")
        return str(reference["reference"])
