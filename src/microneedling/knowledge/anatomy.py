"""The body as a hierarchy: treatment sites within regions, regions within the trunk.

A screening rule that reads a site reads every site that contains it or lies within it: a
finding recorded on "chest" concerns a treated décolletage, and a finding on "cheeks" concerns a
treated "face". Two sites *overlap* when one contains the other (or they are the same).

Nodes are the site ids of ``sites.yaml`` plus the region names a site gives (``face``,
``chest``...). A site's parent is its ``within`` (another site) when it has one, else its
region; :data:`REGION_WITHIN` nests regions. Intake fields that say where something is on the
body (a condition, a procedure, a skin finding) accept any node; the areas to be treated are
sites only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from difflib import get_close_matches

from microneedling.knowledge.catalogue import UnknownEntry
from microneedling.knowledge.sites import REGION_WITHIN, Site


class BodyMap:
    """Parent links between sites and regions, and the overlap test screening uses."""

    def __init__(self, sites: Mapping[str, Site]) -> None:
        parent: dict[str, str | None] = {}
        for site in sites.values():
            up = site.within or (
                site.region if site.region != site.id else REGION_WITHIN.get(site.region)
            )
            parent[site.id] = up
        for site in sites.values():
            region: str | None = site.region
            while region is not None and region not in parent:
                parent[region] = REGION_WITHIN.get(region)
                region = parent[region]
        for up in list(parent.values()):
            if up is not None and up not in parent:
                parent[up] = REGION_WITHIN.get(up)
        self._parent = parent
        for node in parent:
            self.ancestors(node)  # refuses a cycle when the knowledge base loads

    def __contains__(self, node: object) -> bool:
        return node in self._parent

    @property
    def nodes(self) -> list[str]:
        return list(self._parent)

    def parent(self, node: str) -> str | None:
        return self._parent[node]

    def ancestors(self, node: str) -> list[str]:
        """``node``'s containing sites and regions, nearest first (not ``node`` itself)."""
        found: list[str] = []
        up = self._parent[node]
        while up is not None:
            if up in found or up == node:
                raise ValueError(f"site hierarchy has a cycle through '{node}'")
            found.append(up)
            up = self._parent[up]
        return found

    def overlaps(self, a: str, b: str) -> bool:
        """True if ``a`` and ``b`` are the same place or one lies within the other."""
        return a == b or a in self.ancestors(b) or b in self.ancestors(a)

    def overlapping(self, where: Iterable[str], treated: Iterable[str]) -> list[str]:
        """The treated sites that overlap any of ``where``, in treated order."""
        places = list(where)
        return [t for t in treated if any(self.overlaps(w, t) for w in places)]

    def require(self, node: str, field: str) -> str:
        """Return ``node`` or raise :class:`UnknownEntry` naming ``field`` and close ids."""
        if node in self._parent:
            return node
        near = get_close_matches(node, self._parent, n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UnknownEntry(
            field, f"unknown site or region '{node}'{hint} (known: {', '.join(self._parent)})"
        )
