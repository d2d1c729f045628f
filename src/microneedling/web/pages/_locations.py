"""The location picker the diary pages share: which location a page shows, and the choices."""

from __future__ import annotations

from microneedling.clinic.services.locations import LocationOut, LocationService
from microneedling.web.pages._session import Signed


def chosen_location(page: Signed, raw: str | None) -> LocationOut:
    """The active location a query names (``location_id``), else the default one (the first
    active: the same rule as :func:`microneedling.clinic.locations.default_place`)."""
    active = [loc for loc in page.service(LocationService).locations() if loc.active]
    wanted = int(raw) if raw and raw.isdigit() else None
    return next((loc for loc in active if loc.id == wanted), active[0])


def location_choices(page: Signed) -> list[tuple[str, str]]:
    """Active locations as (id, name) options for a select."""
    return [
        (str(loc.id), loc.name) for loc in page.service(LocationService).locations() if loc.active
    ]
