"""The signed-in person on a page: the session cookie, its CSRF token, and services for them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from microneedling.clinic.actor import Actor
from microneedling.clinic.clinic import Clinic, Service
from microneedling.clinic.errors import NotAuthenticated
from microneedling.clinic.roles import Permission
from microneedling.web.auth import SESSION_COOKIE, authenticate, csrf_token
from microneedling.web.deps import ClinicDep
from microneedling.web.pages._render import PageContext, PageUser, clinic_name

S = TypeVar("S", bound=Service)


@dataclass
class Signed:
    """A page request by a signed-in staff member (CSRF already checked on posts)."""

    ctx: PageContext
    actor: Actor
    clinic: Clinic

    def service(self, cls: type[S]) -> S:
        return cls(self.clinic, self.actor)

    def may(self, permission: Permission) -> bool:
        return self.actor.may(permission)

    @contextmanager
    def one_read(self) -> Iterator[None]:
        """Everything the page reads inside, in one transaction, one audit event per patient."""
        with Service(self.clinic, self.actor).page():
            yield


async def signed_in(request: Request, clinic: ClinicDep) -> Signed:
    """Pages sign in by cookie only; without a valid one the browser is sent to sign in."""
    return await _signed(request, clinic, enrolling=False)


async def signed_in_enrolling(request: Request, clinic: ClinicDep) -> Signed:
    """Like :func:`signed_in`, for the pages where a role that must use MFA sets it up."""
    return await _signed(request, clinic, enrolling=True)


async def _signed(request: Request, clinic: Clinic, *, enrolling: bool) -> Signed:
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise NotAuthenticated("sign in first")
    # The sign-in read the member's row: the header's name comes with it, not from a second read.
    actor = await authenticate(request, clinic, enrolling=enrolling)
    ctx = PageContext(
        request=request,
        user=PageUser(actor.staff_id, actor.username, actor.full_name, actor.role.value),
        csrf_token=csrf_token(clinic, cookie),
        clinic_name=clinic_name(request),
    )
    request.state.page = ctx
    return Signed(ctx, actor, clinic)


SignedDep = Annotated[Signed, Depends(signed_in)]
EnrollingDep = Annotated[Signed, Depends(signed_in_enrolling)]
