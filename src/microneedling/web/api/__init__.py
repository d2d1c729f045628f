"""JSON API routers, one module per bounded context; thin: each route calls one service."""

from fastapi import APIRouter

from microneedling.web.api import (
    appointments,
    audit,
    auth,
    calendar,
    devices,
    intakes,
    outcomes,
    oversight,
    patients,
    plans,
    series,
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
    series.router,
    calendar.router,
    sessions.router,
    outcomes.router,
    oversight.router,
    devices.router,
    audit.router,
]

__all__ = ["ROUTERS"]
