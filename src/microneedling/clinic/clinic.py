"""The clinic as the services see it: settings, database, knowledge base and clock.

Services are small objects built per request from a :class:`Clinic` and an
:class:`~microneedling.clinic.actor.Actor`; each public method is one unit of work: it checks
the actor's permission, opens one transaction, writes its audit events in that transaction and
commits once at the end (or rolls everything back).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from microneedling.clinic.actor import Actor
from microneedling.clinic.audit import AuditLog
from microneedling.clinic.db import Database
from microneedling.clinic.errors import PermissionDenied
from microneedling.clinic.models.base import stamped_by
from microneedling.clinic.roles import Permission
from microneedling.clinic.settings import ClinicSettings
from microneedling.knowledge import KnowledgeBase, load_knowledge
from microneedling.screening.policy import ScreeningPolicy, policy_from_json


def _system_clock() -> datetime:
    return datetime.now(UTC)


class Clinic:
    """Long-lived: one per process (the web app and the CLI each make one)."""

    def __init__(
        self,
        settings: ClinicSettings,
        db: Database | None = None,
        *,
        clock: Callable[[], datetime] = _system_clock,
    ) -> None:
        self.settings = settings
        self.db = db or Database(settings.resolved_database_url)
        self._clock = clock

    @cached_property
    def kb(self) -> KnowledgeBase:
        return load_knowledge()

    @cached_property
    def policy(self) -> ScreeningPolicy:
        """The screening policy: relaxations from the settings (checked when they were read)."""
        return policy_from_json(self.settings.rule_relaxations, self.kb)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.settings.timezone)

    def now(self) -> datetime:
        """The current moment, aware, in UTC."""
        return self._clock().astimezone(UTC)

    def today(self) -> date:
        """Today's date at the clinic (its time zone)."""
        return self.now().astimezone(self.zone).date()

    def local(self, moment: datetime) -> datetime:
        """A moment as clinic wall-clock time; naive input is taken as already local."""
        if moment.tzinfo is None:
            return moment.replace(tzinfo=self.zone)
        return moment.astimezone(self.zone)

    def start(self) -> None:
        """Prepare storage: migrate the schema and create the photo directory."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings.photo_dir.mkdir(parents=True, exist_ok=True)
        self.db.migrate()


@dataclass
class Unit:
    """One transaction and the audit log that writes into it."""

    session: Session
    audit: AuditLog


class Service:
    """Base of every service: the clinic, the actor, and units of work."""

    def __init__(self, clinic: Clinic, actor: Actor) -> None:
        self.clinic = clinic
        self.actor = actor

    def require(self, permission: Permission) -> None:
        """Refuse (and record the refusal in the audit trail) unless the role allows it."""
        if self.actor.may(permission):
            return
        with stamped_by(self.clinic.now), self.clinic.db.transaction() as session:
            AuditLog(session, self.actor).record(
                "denied", "permission", detail={"permission": permission.value}
            )
        raise PermissionDenied(self.actor.role.value, permission.value)

    @contextmanager
    def unit(self, *permissions: Permission) -> Iterator[Unit]:
        for permission in permissions:
            self.require(permission)
        # Records and audit events of this unit are dated by the clinic's clock.
        with stamped_by(self.clinic.now), self.clinic.db.transaction() as session:
            yield Unit(session, AuditLog(session, self.actor))
