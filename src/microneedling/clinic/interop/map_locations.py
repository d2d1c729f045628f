"""FHIR for the clinic's locations: each a ``Location`` of physical type *site* (``si``), with
its address, phone, zone, opening hours and rooms; an appointment names its location as a
participant (R4 ``Appointment`` has no ``location`` element: a ``Location`` is one of the
actors a participant may be). Rooms stay ``Location`` resources of type *room*
(:func:`~microneedling.clinic.interop.map_people.location`).

An import (into a clinic with no patients, so no appointments yet) writes the exported
locations over the clinic's own in order — the first site onto its first location (the one
the migration made), and so on — and adds the rest; a visit without a site participant (an
export made before locations) is booked at the default location.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import select
from sqlalchemy.orm import Session

from microneedling.clinic.hours import OpeningHours
from microneedling.clinic.interop.fhir_fields import Fields
from microneedling.clinic.interop.map_people import clinic_ref
from microneedling.clinic.interop.resources import Resource, base, extensions, ref, rid
from microneedling.clinic.locations import default_place
from microneedling.clinic.models import Appointment, Location

#: The ids of a location's resource: ``site-<id>`` (a room's are ``location-<room>``).
SITE = "Site"
_SITE_PREFIX = rid(SITE, "")
_PHYSICAL_TYPE = "http://terminology.hl7.org/CodeSystem/location-physical-type"


def site(row: Location) -> Resource:
    """One location as a FHIR ``Location`` (its rooms, zone and opening hours as extensions)."""
    resource = base("Location", row.id, SITE)
    resource.update(
        name=row.name, status="active" if row.active else "inactive", mode="instance",
        managingOrganization=clinic_ref(),
        physicalType={"coding": [{"system": _PHYSICAL_TYPE, "code": "si", "display": "Site"}]},
    )  # fmt: skip
    if row.address.strip():
        resource["address"] = {"text": row.address}
    if row.phone:
        resource["telecom"] = [{"system": "phone", "value": row.phone}]
    resource["extension"] = extensions(
        timezone=row.timezone, opening_hours=row.opening_hours, rooms=list(row.rooms),
        created_at=row.created_at,
    )  # fmt: skip
    return resource


def site_ref(location_id: int) -> dict[str, str]:
    return ref("Location", location_id, SITE)


def visit_participant(appointment: Appointment) -> dict[str, Any]:
    """The appointment's participant that names its location."""
    return {"actor": site_ref(appointment.location_id), "status": "accepted"}


def is_site(resource: Resource) -> bool:
    return str(resource.get("id", "")).startswith(_SITE_PREFIX)


def visit_site(f: Fields) -> str | None:
    """The ``Location/site-N`` a visit's participants name, if any."""
    for participant in f.resource.get("participant", []):
        target = (participant.get("actor") or {}).get("reference", "")
        if isinstance(target, str) and target.startswith(f"Location/{_SITE_PREFIX}"):
            return target
    return None


def write_sites(session: Session, sites: Iterator[Fields]) -> dict[str, int]:
    """Write the exported sites over the clinic's locations in order, adding the rest; returns
    ``Location/site-N`` to the location's id. Bad values name the resource and the field."""
    own = list(session.scalars(select(Location).order_by(Location.id)))
    written: dict[str, int] = {}
    for number, f in enumerate(sites):
        row = own[number] if number < len(own) else Location()
        r = f.resource
        hours = f.ext("opening-hours")
        try:
            OpeningHours.parse(hours)
        except ValueError as exc:
            raise f.fail("extension[opening-hours]", str(exc)) from None
        rooms = f.doc("rooms")
        if not isinstance(rooms, list) or not all(isinstance(x, str) for x in rooms):
            raise f.fail("extension[rooms]", "must be a list of room codes")
        row.name = f.need(r.get("name"), "name")
        row.address = (r.get("address") or {}).get("text") or ""
        row.phone = next((t.get("value") for t in r.get("telecom", [])
                          if t.get("system") == "phone"), None)  # fmt: skip
        row.timezone = f.ext("timezone")
        if row.timezone not in available_timezones():
            raise f.fail("extension[timezone]", f"'{row.timezone}' is not an IANA time zone")
        row.opening_hours = hours
        row.rooms = rooms
        row.active = r.get("status") != "inactive"
        row.created_at = f.moment(f.ext("created-at"), "created-at")
        session.add(row)
        session.flush()  # a refusal (a name taken twice) is then this resource's
        written[f.key] = row.id
    return written


def visit_location(f: Fields, sites: dict[str, int], session: Session) -> int:
    """The location id an imported visit is booked at (its site, else the default one)."""
    target = visit_site(f)
    if target is None:
        return default_place(session).id
    if target not in sites:
        raise f.fail("participant[Location]", f"refers to {target}, which this import lacks")
    return sites[target]
