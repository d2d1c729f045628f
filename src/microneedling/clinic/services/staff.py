"""Staff accounts: admins create, change and deactivate them; everyone can read themselves."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from microneedling.clinic.clinic import Clinic, Service
from microneedling.clinic.errors import NotFound
from microneedling.clinic.models import StaffMember
from microneedling.clinic.paging import Page, PageRequest
from microneedling.clinic.roles import TREATING, Permission, Role
from microneedling.clinic.services.passwords import hash_password
from microneedling.clinic.services.signin import end_other_sessions
from microneedling.errors import InvalidInput, RequestRefused


class StaffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=3, max_length=64, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    full_name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str = Field(min_length=12, max_length=1024)


class StaffChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    active: bool | None = None
    password: str | None = Field(default=None, min_length=12, max_length=1024)


class StaffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    full_name: str
    role: Role
    active: bool
    created_at: datetime


def create_staff(clinic: Clinic, data: StaffIn) -> StaffOut:
    """Create an account without an actor: only for bootstrap (first admin, demo clinic)."""
    with clinic.db.transaction() as session:
        member = _new_member(session, data)
        return StaffOut.model_validate(member)


def staff_count(clinic: Clinic) -> int:
    with clinic.db.reading() as session:
        return session.scalar(select(func.count()).select_from(StaffMember)) or 0


def _new_member(session: Session, data: StaffIn) -> StaffMember:
    if session.scalar(select(StaffMember.id).where(StaffMember.username == data.username)):
        raise RequestRefused("username", f"'{data.username}' is taken")
    member = StaffMember(
        username=data.username,
        full_name=data.full_name,
        role=data.role.value,
        password_hash=hash_password(data.password),
        active=True,
    )
    session.add(member)
    session.flush()
    return member


class StaffService(Service):
    def create(self, data: StaffIn) -> StaffOut:
        with self.unit(Permission.MANAGE_STAFF) as u:
            member = _new_member(u.session, data)
            u.audit.record("create", "staff", member.id, detail={"role": data.role.value})
            return StaffOut.model_validate(member)

    def find(self, page: PageRequest, role: Role | None = None) -> Page[StaffOut]:
        with self.unit(Permission.MANAGE_STAFF) as u:
            query = select(StaffMember)
            if role is not None:
                query = query.where(StaffMember.role == role.value)
            total = u.session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = u.session.scalars(
                query.order_by(StaffMember.id).offset(page.offset).limit(page.limit)
            )
            items = [StaffOut.model_validate(m) for m in rows]
            return Page(items=items, total=total, offset=page.offset, limit=page.limit)

    def by_username(self, username: str) -> StaffOut:
        """The account with this username, active or not (for commands that name it)."""
        with self.reading(Permission.MANAGE_STAFF) as u:
            member = u.session.scalar(select(StaffMember).where(StaffMember.username == username))
            if member is None:
                raise InvalidInput("username", f"no staff account '{username}'")
            return StaffOut.model_validate(member)

    def me(self) -> StaffOut:
        with self.reading() as u:
            member = u.session.get(StaffMember, self.actor.staff_id)
            if member is None:
                raise NotFound("staff_id", "staff member", self.actor.staff_id)
            return StaffOut.model_validate(member)

    def practitioners(self) -> list[StaffOut]:
        """Active practitioners and medical directors, for booking (front desk may read these)."""
        with self.reading(Permission.BOOK_APPOINTMENTS) as u:
            rows = u.session.scalars(
                select(StaffMember)
                .where(StaffMember.role.in_([r.value for r in TREATING]), StaffMember.active)
                .order_by(StaffMember.full_name)
            )
            return [StaffOut.model_validate(m) for m in rows]

    def change(self, staff_id: int, data: StaffChange) -> StaffOut:
        with self.unit(Permission.MANAGE_STAFF) as u:
            member = u.session.get(StaffMember, staff_id, with_for_update=True)
            if member is None:
                raise NotFound("staff_id", "staff member", staff_id)
            if staff_id == self.actor.staff_id and (
                data.active is False or (data.role is not None and data.role != Role.ADMIN)
            ):
                raise RequestRefused("role", "you cannot demote or deactivate your own account")
            changed: list[str] = []
            if data.full_name is not None:
                member.full_name = data.full_name
                changed.append("full_name")
            if data.role is not None:
                member.role = data.role.value
                changed.append("role")
            if data.active is not None:
                member.active = data.active
                changed.append("active")
            if data.password is not None:
                member.password_hash = hash_password(data.password)
                changed.append("password")
            detail: dict[str, object] = {"fields": changed}
            if {"password", "role"} & set(changed):
                keep = self.actor.session_id if staff_id == self.actor.staff_id else None
                now = self.clinic.now()
                detail["sessions_ended"] = end_other_sessions(u.session, staff_id, keep, now)
            u.audit.record("update", "staff", staff_id, detail=detail)
            return StaffOut.model_validate(member)
