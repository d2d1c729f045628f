"""JSON API routers, one module per bounded context; thin: each route calls one service."""

from fastapi import APIRouter

from microneedling.web.api import audit, auth, devices, intakes, patients, plans, staff

ROUTERS: list[APIRouter] = [
    auth.router,
    staff.router,
    patients.router,
    intakes.router,
    plans.router,
    devices.router,
    audit.router,
]

__all__ = ["ROUTERS"]
