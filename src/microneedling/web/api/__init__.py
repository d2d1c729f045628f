"""JSON API routers, one module per bounded context; thin: each route calls one service."""

from fastapi import APIRouter

from microneedling.web.api import (
    appointments,
    audit,
    auth,
    calendar,
    calendar_feeds,
    devices,
    fhir,
    intakes,
    messages,
    mfa,
    outcomes,
    oversight,
    patient_links,
    patients,
    plans,
    recall,
    series,
    sessions,
    staff,
    waitlist,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    mfa.router,
    staff.router,
    patients.router,
    intakes.router,
    plans.router,
    patient_links.router,
    appointments.router,
    waitlist.router,
    recall.router,
    messages.router,
    calendar_feeds.router,
    series.router,
    calendar.router,
    sessions.router,
    outcomes.router,
    oversight.router,
    devices.router,
    audit.router,
    fhir.router,
]

__all__ = ["ROUTERS"]
