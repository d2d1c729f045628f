"""Signing in and out of the API."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from microneedling.clinic.services.signin import IssuedToken, SignIn
from microneedling.clinic.services.staff import StaffOut, StaffService
from microneedling.web.auth import bearer_token, client_ip
from microneedling.web.deps import ClinicDep, EnrollingActorDep, service

router = APIRouter(prefix="/auth", tags=["auth"])


class Credentials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=1024)
    code: str | None = Field(
        default=None,
        min_length=6,
        max_length=24,
        pattern=r"^[0-9A-Za-z -]+$",
        description="one-time code from the authenticator app (6 digits) or a recovery code; "
        "required when the account has two-factor sign-in on (else 401 asking for it)",
    )


@router.post("/token", summary="Sign in: exchange username and password for a bearer token")
def sign_in(body: Credentials, request: Request, clinic: ClinicDep) -> IssuedToken:
    return SignIn(clinic).login(
        body.username, body.password, client_ip(request), "api", code=body.code
    )


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke the bearer token")
def sign_out(request: Request, clinic: ClinicDep, _actor: EnrollingActorDep) -> Response:
    token = bearer_token(request)
    if token:
        SignIn(clinic).logout(token)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", summary="The signed-in staff member")
def me(staff: Annotated[StaffService, Depends(service(StaffService))]) -> StaffOut:
    return staff.me()
