"""JSON API routers, one module per bounded context; thin: each route calls one service."""

from fastapi import APIRouter

from microneedling.web.api import audit, auth, staff

ROUTERS: list[APIRouter] = [auth.router, staff.router, audit.router]

__all__ = ["ROUTERS"]
