"""Dependencies routes declare: the clinic, the signed-in actor, services built for them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Path, Query, Request
from fastapi.security import HTTPBearer

from microneedling.clinic.actor import Actor
from microneedling.clinic.clinic import Clinic, Service
from microneedling.clinic.paging import MAX_LIMIT, MAX_OFFSET, MAX_RECORD_ID, PageRequest
from microneedling.planning import PlannableDay
from microneedling.web.auth import authenticate

S = TypeVar("S", bound=Service)

#: Every ``{..._id}`` (and plan version or session number) in a route's path: a number the
#: database can hold, so anything else is a 422 naming the parameter, never a driver error.
RecordId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID, description="record id")]
#: An optional id filter in a query string, bounded like :data:`RecordId`.
RecordIdFilter = Annotated[int | None, Query(ge=1, le=MAX_RECORD_ID)]
#: A diary day in a path (``/day/{day}``), up to the planner's last plannable day.
DiaryDay = Annotated[PlannableDay, Path(description="YYYY-MM-DD, up to 2100-12-31")]
#: Records to skip in a paged list.
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="records to skip")]

# Declared so the OpenAPI document shows the bearer scheme; authentication itself is ours.
bearer_scheme = HTTPBearer(auto_error=False, description="token from POST /api/auth/token")


def get_clinic(request: Request) -> Clinic:
    clinic = request.app.state.clinic
    assert isinstance(clinic, Clinic)
    return clinic


ClinicDep = Annotated[Clinic, Depends(get_clinic)]


async def current_actor(
    request: Request, clinic: ClinicDep, _bearer: Annotated[object, Depends(bearer_scheme)]
) -> Actor:
    return await authenticate(request, clinic)


ActorDep = Annotated[Actor, Depends(current_actor)]


async def enrolling_actor(
    request: Request, clinic: ClinicDep, _bearer: Annotated[object, Depends(bearer_scheme)]
) -> Actor:
    """The signed-in actor, even one whose role must set up MFA first (for doing just that)."""
    return await authenticate(request, clinic, enrolling=True)


EnrollingActorDep = Annotated[Actor, Depends(enrolling_actor)]


def service(cls: type[S]) -> Callable[[Clinic, Actor], Awaitable[S]]:
    """A dependency that builds ``cls`` for the signed-in actor."""

    async def build(clinic: ClinicDep, actor: ActorDep) -> S:
        return cls(clinic, actor)

    return build


def page_request(
    offset: Offset = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="records per page")] = 50,
) -> PageRequest:
    return PageRequest(offset=offset, limit=limit)


PageDep = Annotated[PageRequest, Depends(page_request)]
