"""Commands that act as a named staff account (``--as``), through the same services as the API
and the pages, so the role rules and the audit trail apply as they do there."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select

from microneedling.cli._app import fail
from microneedling.cli.db import open_clinic
from microneedling.clinic import Clinic
from microneedling.clinic.actor import Actor
from microneedling.clinic.errors import PermissionDenied
from microneedling.clinic.models import StaffMember
from microneedling.clinic.roles import Role
from microneedling.errors import InvalidInput

As = Annotated[str, typer.Option("--as", help="the staff account acting (its username)")]


def staff_actor(clinic: Clinic, username: str) -> Actor:
    with clinic.db.transaction() as session:
        member = session.scalar(
            select(StaffMember).where(StaffMember.username == username, StaffMember.active)
        )
        if member is None:
            raise InvalidInput("as", f"no active staff account '{username}'")
        return Actor(member.id, member.username, Role(member.role))


@contextmanager
def acting(username: str, data_dir: Path | None) -> Iterator[tuple[Clinic, Actor]]:
    """The clinic and the actor; a refusal by the role table is one line and exit code 2."""
    clinic = open_clinic(data_dir)
    try:
        yield clinic, staff_actor(clinic, username)
    except PermissionDenied as exc:
        raise fail(str(exc)) from None
    finally:
        clinic.db.dispose()
