"""The location picker the pages share: which location a page shows, and the choices.

A diary page (schedule, calendar, booking) shows one location; a report page (recall, the
outbox, the waitlist) shows one or all. Either opens, unless the query names one, on the
signed-in person's own location when they are assigned to exactly one
(:meth:`LocationService.home_location`); else a diary page shows the default location and a
report every location. The picker is shown only when the clinic has more than one.
"""

from __future__ import annotations

from dataclasses import dataclass

from microneedling.clinic.services.locations import LocationOut, LocationService
from microneedling.web.pages._session import Signed

#: The report picker's "every location" choice.
ALL_LOCATIONS = "all"


def chosen_location(page: Signed, raw: str | None) -> LocationOut:
    """The active location a query names (``location_id``), else the person's own location,
    else the default one (the first active: the same rule as
    :func:`microneedling.clinic.locations.default_place`)."""
    service = page.service(LocationService)
    active = [loc for loc in service.locations() if loc.active]
    wanted = int(raw) if raw and raw.isdigit() else service.home_location()
    return next((loc for loc in active if loc.id == wanted), active[0])


def location_choices(page: Signed) -> list[tuple[str, str]]:
    """Active locations as (id, name) options for a select."""
    return [
        (str(loc.id), loc.name) for loc in page.service(LocationService).locations() if loc.active
    ]


@dataclass(frozen=True)
class ReportLocation:
    """A report page's location: ``location_id`` None for every location; ``value`` is what
    the picker shows selected; ``choices`` its options (empty with a single location);
    ``error`` a message for the field when the query named no location of the clinic."""

    location_id: int | None
    value: str
    choices: list[tuple[str, str]]
    error: str | None = None


def report_location(page: Signed, raw: str | None) -> ReportLocation:
    """The location a report page shows, from its ``location_id`` query (absent: the default
    of the module docstring; ``all``: every location; retired locations may be chosen: their
    history is still reported)."""
    service = page.service(LocationService)
    every = service.locations()
    choices = [(ALL_LOCATIONS, "all locations")] + [
        (str(loc.id), loc.name if loc.active else f"{loc.name} (closed)") for loc in every
    ]
    if len(every) < 2:
        choices = []
    raw = (raw or "").strip()
    if raw == ALL_LOCATIONS:
        return ReportLocation(None, ALL_LOCATIONS, choices)
    if not raw:
        home = service.home_location() if choices else None
        return ReportLocation(home, str(home) if home else ALL_LOCATIONS, choices)
    if raw.isdigit() and int(raw) in {loc.id for loc in every}:
        return ReportLocation(int(raw), raw, choices)
    return ReportLocation(None, ALL_LOCATIONS, choices, "choose one of the clinic's locations")
