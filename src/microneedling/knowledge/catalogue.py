"""A read-only, id-keyed collection of knowledge entries."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from difflib import get_close_matches
from typing import Generic, Protocol, TypeVar

from microneedling.errors import InvalidInput


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


E = TypeVar("E", bound=_HasId)


class UnknownEntry(InvalidInput):
    """An id that is not in the knowledge base (a typo, or an entry not yet written)."""


class Catalogue(Mapping[str, E], Generic[E]):
    """Entries of one kind (sites, devices...) by id, in file order."""

    def __init__(self, kind: str, entries: list[E]) -> None:
        self.kind = kind
        self._by_id: dict[str, E] = {e.id: e for e in entries}

    def __getitem__(self, key: str) -> E:
        return self._by_id[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def require(self, entry_id: str, field: str | None = None) -> E:
        """Return the entry or raise :class:`UnknownEntry` naming the field and close ids."""
        try:
            return self._by_id[entry_id]
        except KeyError:
            near = get_close_matches(entry_id, self._by_id, n=3)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            known = ", ".join(self._by_id)
            raise UnknownEntry(
                field or self.kind,
                f"unknown {self.kind} '{entry_id}'{hint} (known: {known})",
            ) from None
