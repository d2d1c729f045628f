"""The clinic as the services see it: settings, database, knowledge base and clock.

Services are small objects built per request from a :class:`Clinic` and an
:class:`~microneedling.clinic.actor.Actor`; each public method is one unit of work: it checks
the actor's permission, opens one transaction and writes its audit events. A writing unit
(:meth:`Service.unit`) writes them in its own transaction and commits once at the end (or rolls
everything back); a reading unit (:meth:`Service.reading`) reads without a write lock and
returns once its audit events are committed by the clinic's audit queue. A page that shows what
several services read opens one :meth:`Service.page` around them: they share its one read
transaction, and each patient whose record it showed gets one audit event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.orm import Session

from microneedling.clinic.actor import Actor
from microneedling.clinic.audit import AuditLog, one_per_patient
from microneedling.clinic.audit_chain import AuditChain, audit_key
from microneedling.clinic.audit_queue import AuditQueue
from microneedling.clinic.db import Database
from microneedling.clinic.errors import PermissionDenied
from microneedling.clinic.key_files import load_or_make_key
from microneedling.clinic.mfa_codes import SecretSeal
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
        self.db = db or Database(
            settings.resolved_database_url,
            pool_size=settings.db_pool_size,
            transaction_pooling=settings.database_transaction_pooling,
            replica_url=settings.replica_database_url,
            replica_wait_seconds=settings.replica_wait_seconds,
        )
        self._clock = clock
        key = settings.audit_key.get_secret_value() if settings.audit_key else None
        self.db.use_audit_chain(AuditChain(audit_key(key, settings.resolved_audit_key_file)))

    @cached_property
    def audit_queue(self) -> AuditQueue:
        """Commits reading units' audit events in batches (one writer thread per process)."""
        return AuditQueue(self.db)

    @cached_property
    def mfa_seal(self) -> SecretSeal:
        """Seals authenticator secrets under the MFA key (kept outside the database)."""
        settings = self.settings
        key = settings.mfa_key.get_secret_value() if settings.mfa_key else None
        return SecretSeal(load_or_make_key(key, settings.resolved_mfa_key_file))

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
        """Prepare storage: migrate the schema, create the photo directory, and on the first
        start copy the settings' profile and location values into the database."""
        from microneedling.clinic.locations import seed_from_settings  # it builds on Clinic

        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        self.settings.photo_dir.mkdir(parents=True, exist_ok=True)
        self.db.migrate()
        seed_from_settings(self)


@dataclass
class Unit:
    """One transaction and the audit log that writes into it."""

    session: Session
    audit: AuditLog


#: The reading unit a page opened (see :meth:`Service.page`), shared by the services it calls.
_PAGE_UNIT: ContextVar[Unit | None] = ContextVar("page_unit", default=None)


class Service:
    """Base of every service: the clinic, the actor, and units of work."""

    def __init__(self, clinic: Clinic, actor: Actor) -> None:
        self.clinic = clinic
        self.actor = actor

    def require(self, permission: Permission) -> None:
        """Refuse (and record the refusal in the audit trail) unless the role allows it."""
        if self.actor.may(permission):
            return
        audit = AuditLog.deferred(self.actor)
        with stamped_by(self.clinic.now):
            audit.record("denied", "permission", detail={"permission": permission.value})
        self.clinic.audit_queue.write(audit.pending)
        raise PermissionDenied(self.actor.role.value, permission.value)

    @contextmanager
    def unit(self, *permissions: Permission) -> Iterator[Unit]:
        """A writing unit of work: one transaction holding the write lock, audit inside it."""
        for permission in permissions:
            self.require(permission)
        if _PAGE_UNIT.get() is not None:
            raise RuntimeError("a write inside a page's reading unit; write before or after it")
        # Records and audit events of this unit are dated by the clinic's clock.
        with stamped_by(self.clinic.now), self.clinic.db.transaction() as session:
            yield Unit(session, AuditLog(session, self.actor))

    @contextmanager
    def reading(self, *permissions: Permission, replica: bool = False) -> Iterator[Unit]:
        """A reading unit of work: no write lock; returns once its audit events are committed.

        Inside a :meth:`page` it joins the page's transaction and audit log instead.
        ``replica``: a report that may run on the streaming replica once it has caught up
        (see :meth:`Database.reading`); its audit events are still written to the primary.
        """
        for permission in permissions:
            self.require(permission)
        shared = _PAGE_UNIT.get()
        if shared is not None:
            yield shared
            return
        audit = AuditLog.deferred(self.actor)
        with stamped_by(self.clinic.now):
            with self.clinic.db.reading(replica=replica) as session:
                yield Unit(session, audit)
            self.clinic.audit_queue.write(audit.pending)

    @contextmanager
    def page(self) -> Iterator[None]:
        """One read transaction for everything a page shows, one audit event per patient.

        Every :meth:`reading` unit opened inside (by any service, for the same actor) joins it;
        its events are coalesced by :func:`~microneedling.clinic.audit.one_per_patient` and
        committed before the block ends.
        """
        if _PAGE_UNIT.get() is not None:
            yield
            return
        audit = AuditLog.deferred(self.actor)
        with stamped_by(self.clinic.now), self.clinic.db.reading() as session:
            # Each service the page calls checks the same records again (the live patient, 9
            # times on the record page). The session's identity map holds objects weakly, so a
            # record no one kept was read again each time; kept for the page, they are found.
            loaded: list[object] = []
            event.listen(session, "loaded_as_persistent", lambda _s, row: loaded.append(row))
            token = _PAGE_UNIT.set(Unit(session, audit))
            try:
                yield
            finally:
                _PAGE_UNIT.reset(token)
        self.clinic.audit_queue.write(one_per_patient(audit.pending))
