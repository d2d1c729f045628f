"""Two-factor sign-in: setting up one's own authenticator, and an admin's reset of another's.

The routes under ``/auth/mfa`` take the caller's own sign-in even when their role must set up
MFA before anything else (that is what they are for).
"""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from microneedling.clinic.services.mfa import (
    MfaCode,
    MfaEnrolment,
    MfaService,
    MfaStatus,
    RecoveryCodes,
)
from microneedling.web.deps import ActorDep, ClinicDep, EnrollingActorDep, RecordId

router = APIRouter(tags=["auth"])


@router.get("/auth/mfa", summary="Is two-factor sign-in on for the signed-in account?")
def mfa_status(clinic: ClinicDep, actor: EnrollingActorDep) -> MfaStatus:
    return MfaService(clinic, actor).status()


@router.post(
    "/auth/mfa/enrol",
    status_code=status.HTTP_201_CREATED,
    summary="Start setting up an authenticator app: a new secret, as text and QR code",
)
def mfa_enrol(clinic: ClinicDep, actor: EnrollingActorDep) -> MfaEnrolment:
    return MfaService(clinic, actor).enrol()


@router.post(
    "/auth/mfa/confirm",
    summary="Turn two-factor sign-in on with a code from the app; ten recovery codes, shown once",
)
def mfa_confirm(body: MfaCode, clinic: ClinicDep, actor: EnrollingActorDep) -> RecoveryCodes:
    return MfaService(clinic, actor).confirm(body)


@router.post(
    "/staff/{staff_id}/mfa/reset",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["staff"],
    summary="Remove an account's authenticator and recovery codes and end its sessions (admin)",
)
def mfa_reset(staff_id: RecordId, clinic: ClinicDep, actor: ActorDep) -> Response:
    MfaService(clinic, actor).reset(staff_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
