"""Before and after photos paired for comparison: the same area and the same camera view.

A photo is compared only with one of the same area (site) and view (see
:mod:`microneedling.clinic.photo_views`): the first photo before treatment of that area and view
is its baseline, and the latest later photo of them is the "after". Photos without a recorded
view are paired only among themselves, under "view not recorded", never guessed as front.
"""

from __future__ import annotations

from dataclasses import dataclass

from microneedling.clinic.photo_views import view_name
from microneedling.clinic.services.outcomes import PhotoOut
from microneedling.knowledge import KnowledgeBase

#: A photo's area (site id, "" when not recorded) and view (None when not recorded).
Framing = tuple[str, str | None]


@dataclass(frozen=True)
class PhotoPair:
    """The first photo before treatment and the latest after, of one area from one view."""

    site: str
    view: str
    before: PhotoOut | None
    after: PhotoOut | None


def framing(photo: PhotoOut) -> Framing:
    """What a photo shows: its area and view."""
    return photo.site or "", photo.view


def baselines(photos: list[PhotoOut]) -> dict[Framing, PhotoOut]:
    """The first photo before treatment of each area and view: what later photos of the same
    area and view are lined up with (the ghost) and compared against."""
    first: dict[Framing, PhotoOut] = {}
    for photo in photos:
        if photo.stage == "baseline":
            first.setdefault(framing(photo), photo)
    return first


def photo_pairs(photos: list[PhotoOut], kb: KnowledgeBase) -> list[PhotoPair]:
    """One pair per area and view, in the order each was first photographed."""
    groups: dict[Framing, list[PhotoOut]] = {}
    for photo in photos:
        groups.setdefault(framing(photo), []).append(photo)
    before = baselines(photos)
    pairs = []
    for (site, view), group in groups.items():
        after = [p for p in group if p.stage != "baseline"]
        name = kb.sites[site].name if site in kb.sites else (site or "Area not recorded")
        pairs.append(
            PhotoPair(name, view_name(view), before.get((site, view)), after[-1] if after else None)
        )
    return pairs
