"""Staff accounts (admins only, except the list of practitioners used for booking)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from microneedling.clinic.paging import Page
from microneedling.clinic.roles import Role
from microneedling.clinic.services.staff import StaffChange, StaffIn, StaffOut, StaffService
from microneedling.web.deps import PageDep, RecordId, service

router = APIRouter(prefix="/staff", tags=["staff"])
Staff = Annotated[StaffService, Depends(service(StaffService))]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a staff account")
def create_staff(body: StaffIn, staff: Staff) -> StaffOut:
    return staff.create(body)


@router.get("", summary="List staff accounts")
def list_staff(
    staff: Staff, page: PageDep, role: Annotated[Role | None, Query()] = None
) -> Page[StaffOut]:
    return staff.find(page, role)


@router.get("/practitioners", summary="Active practitioners, for booking")
def list_practitioners(staff: Staff) -> list[StaffOut]:
    return staff.practitioners()


@router.patch("/{staff_id}", summary="Change a staff account: name, role, active, password")
def change_staff(staff_id: RecordId, body: StaffChange, staff: Staff) -> StaffOut:
    return staff.change(staff_id, body)
