"""JSON API routers, one module per bounded context; thin: each route calls one service."""

from fastapi import APIRouter

from microneedling.web.api import (
    appointments,
    audit,
    auth,
    devices,
    fhir,
    intakes,
    outcomes,
    oversight,
    patients,
    plans,
    sessions,
    staff,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    staff.router,
    patients.router,
    intakes.router,
    plans.router,
    appointments.router,
    sessions.router,
    outcomes.router,
    oversight.router,
    devices.router,
    audit.router,
    fhir.router,
]

__all__ = ["ROUTERS"]
