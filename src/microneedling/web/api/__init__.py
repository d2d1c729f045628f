"""JSON API routers, one module per bounded context; thin: each route calls one service."""

from fastapi import APIRouter

from microneedling.web.api import (
    appointments,
    audit,
    auth,
    devices,
    intakes,
    outcomes,
    oversight,
    patient_links,
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
    patient_links.router,
    appointments.router,
    sessions.router,
    outcomes.router,
    oversight.router,
    devices.router,
    audit.router,
]

__all__ = ["ROUTERS"]
