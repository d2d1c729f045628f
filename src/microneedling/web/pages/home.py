"""The front door: signed-in staff go to their first page, others to sign in."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import RedirectResponse

from microneedling.web.pages._route import PageRoute
from microneedling.web.pages._session import SignedDep

router = APIRouter(route_class=PageRoute, include_in_schema=False)


@router.get("/", name="home")
def home(page: SignedDep) -> Response:
    items = page.ctx.nav_items()
    return RedirectResponse(items[0][2] if items else "/login", status_code=303)
