"""The database: engine, transactions and migrations for SQLite (embedded) or PostgreSQL.

SQLite runs in WAL mode with foreign keys on. Every *writing* transaction starts with
``BEGIN IMMEDIATE`` so that a check-then-write (is the room free? then book it) cannot
interleave with another writer; a *reading* transaction (:meth:`Database.reading`) starts
with a plain ``BEGIN`` and takes no write lock, so readers never wait for each other or for a
writer (WAL gives each its own snapshot). PostgreSQL serialises the same critical sections with
transaction-scoped advisory locks (:meth:`Database.lock`), and reads see one snapshot
(``REPEATABLE READ``).

Behind PgBouncer in transaction pooling mode (``transaction_pooling``) each transaction may run
on a different server connection, so nothing may outlive a transaction: the locks above are
transaction-scoped already, and the driver prepares no statements (psycopg's
``prepare_threshold=None``; Debian 12's PgBouncer 1.18 cannot carry prepared statements from
one server connection to another, which version 1.21's ``max_prepared_statements`` does).

A streaming replica (``replica_url``) serves the reading units that ask for it
(:meth:`Database.reading` with ``replica=True``), but only once it has replayed everything the
primary had written when the read began (:mod:`microneedling.clinic.replica`); until then, for
at most ``replica_wait_seconds``, it waits, and then the primary serves the read. A read routed
there therefore never misses a write committed before it started, its caller's own included.

Audit rows are chained (:mod:`microneedling.clinic.audit_chain`): whenever a transaction
flushes new audit events, the chain takes its lock and links them to the newest row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from microneedling.clinic.replica import Replica

if TYPE_CHECKING:
    from microneedling.clinic.audit_chain import AuditChain

#: Advisory-lock keys for critical sections (PostgreSQL only).
LOCK_BOOKINGS = 7_301
LOCK_LOGIN = 7_302
LOCK_AUDIT_CHAIN = 7_303

#: PostgreSQL's isolation for reading units: one snapshot (a hot standby allows it too).
READ_SNAPSHOT = "REPEATABLE READ"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for ``postgresql://`` URLs (SQLAlchemy would pick psycopg2)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event decide when a transaction starts (see _sqlite_begin).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = FULL")  # WAL + FULL: a commit survives power loss too
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Reading transactions ask for a deferred BEGIN through an execution option.
    mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


def _refuse_writes(session: Session, _context: Any, _instances: Any) -> None:
    """A reading unit that tries to write is a programming error, caught before any SQL."""
    raise RuntimeError(
        "a reading unit of work tried to write; use Service.unit for writes "
        f"(new={list(session.new)!r}, changed={list(session.dirty)!r})"
    )


def _postgres_options(transaction_pooling: bool) -> dict[str, Any]:
    """Engine options for PostgreSQL, directly or through PgBouncer's transaction pooling."""
    options: dict[str, Any] = {"pool_pre_ping": True}
    if transaction_pooling:
        # psycopg prepares a statement run five times on the server connection it ran on; the
        # next transaction may get another one, where "_pg3_0" does not exist. None: never.
        options["connect_args"] = {"prepare_threshold": None}
    return options


class Database:
    """The engines (primary, and a replica when there is one) and their session factories;
    the only place that knows the backend.

    ``transaction_pooling``: the URLs lead to PgBouncer in transaction pooling mode.
    ``replica_url``: a streaming replica for reads that ask for it; ``replica_wait_seconds``:
    how long such a read waits for the replica to catch up before it reads the primary [s].
    """

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pool_size: int | None = None,
        transaction_pooling: bool = False,
        replica_url: str | None = None,
        replica_wait_seconds: float = 1.0,
    ) -> None:
        self.url = normalise_url(url)
        #: The URLs lead to PgBouncer's transaction pooling: no session may outlive a transaction.
        self.transaction_pooling = transaction_pooling
        parsed = make_url(self.url)
        self.backend = "sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql"
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.backend == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(_postgres_options(transaction_pooling))
        if pool_size is not None and parsed.database not in (None, "", ":memory:"):
            # A fixed pool as large as the requests one worker serves at once (the thread pool
            # runs 40): beyond it requests wait for a connection rather than open more than
            # PostgreSQL allows across all worker processes.
            kwargs["pool_size"] = pool_size
            kwargs["max_overflow"] = 0
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.backend == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            event.listen(self.engine, "begin", _sqlite_begin)
            reader = self.engine.execution_options(sqlite_begin="DEFERRED")
        else:
            reader = self.engine.execution_options(isolation_level=READ_SNAPSHOT)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, autoflush=True)
        self._read_sessions = sessionmaker(reader, expire_on_commit=False, autoflush=True)
        event.listen(self._read_sessions, "before_flush", _refuse_writes)
        self.replica: Replica | None = None
        self._replica_sessions: sessionmaker[Session] | None = None
        if replica_url is not None:
            self._use_replica(replica_url, kwargs, replica_wait_seconds)
        #: Links new audit rows into the keyed chain; set by the clinic (see use_audit_chain).
        self.audit_chain: AuditChain | None = None
        event.listen(self._sessions, "before_flush", self._chain_audit_events)

    def _use_replica(self, url: str, kwargs: dict[str, Any], wait_seconds: float) -> None:
        if self.backend != "postgresql" or make_url(url).get_backend_name() != "postgresql":
            raise ValueError("a streaming replica needs PostgreSQL for both URLs")
        engine = create_engine(normalise_url(url), **kwargs)
        self.replica = Replica(engine, self.engine, wait_seconds)
        reader = engine.execution_options(isolation_level=READ_SNAPSHOT)
        self._replica_sessions = sessionmaker(reader, expire_on_commit=False, autoflush=True)
        event.listen(self._replica_sessions, "before_flush", _refuse_writes)

    @property
    def sqlite_path(self) -> Path | None:
        """The database file, for the embedded backend."""
        database = make_url(self.url).database
        if self.backend != "sqlite" or not database or database == ":memory:":
            return None
        return Path(database)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed at the end, or rolled back on any error."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def reading(self, *, replica: bool = False) -> Iterator[Session]:
        """A read-only session on one snapshot; it takes no write lock and may not write.

        ``replica``: on the streaming replica, if there is one and it has replayed every
        commit made before this call (else on the primary, as without it).
        """
        sessions = self._read_sessions
        if replica and self._replica_sessions is not None and self.replica is not None:
            sessions = self._replica_sessions if self.replica.caught_up() else sessions
        with sessions() as session, session.begin():
            yield session

    def use_audit_chain(self, chain: AuditChain) -> None:
        """Chain every audit row this database writes from now on with ``chain``'s key."""
        self.audit_chain = chain

    def _chain_audit_events(self, session: Session, _context: Any, _instances: Any) -> None:
        from microneedling.clinic.models.audit import AuditEvent

        events = [obj for obj in session.new if isinstance(obj, AuditEvent)]
        if not events:
            return
        if self.audit_chain is None:
            raise RuntimeError("audit events written without an audit chain key")
        # The chain's order is the rows' ids: hold the lock from reading the newest row until
        # commit. SQLite writing transactions already hold the database's write lock.
        self.lock(session, LOCK_AUDIT_CHAIN)
        self.audit_chain.link(session, events)

    def lock(self, session: Session, key: int) -> None:
        """Serialise a critical section until the transaction ends.

        SQLite transactions already hold the write lock from their first statement.
        """
        if self.backend == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to the newest migration shipped with the package (or up to
        ``revision``)."""
        with self.migration() as connection:
            command.upgrade(alembic_config(connection), revision)

    def downgrade(self, revision: str) -> None:
        """Undo migrations down to ``revision`` (what a release's rollback runs)."""
        with self.migration() as connection:
            command.downgrade(alembic_config(connection), revision)

    @contextmanager
    def migration(self) -> Iterator[Any]:
        """One transaction for schema changes.

        SQLite rebuilds a table to change a column (alembic's batch mode), and dropping the old
        table would trip the foreign keys of rows that refer to it; so, as SQLite's own
        procedure for altering tables says, foreign keys are off while it runs (the pragma
        only takes effect outside a transaction), and ``PRAGMA foreign_key_check`` must find
        nothing before the transaction commits.
        """
        with self.engine.connect() as connection:
            raw = connection.connection.dbapi_connection if self.backend == "sqlite" else None
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = OFF")
            try:
                with connection.begin():
                    yield connection
                    if raw is not None:
                        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                        if broken:
                            raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
            finally:
                if raw is not None:
                    raw.execute("PRAGMA foreign_keys = ON")

    def schema_revision(self) -> str | None:
        with self.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    def dispose(self) -> None:
        self.engine.dispose()
        if self.replica is not None:
            self.replica.dispose()


def alembic_config(connection: Any | None = None) -> Config:
    """Alembic's configuration pointing at the migrations inside the package."""
    config = Config()
    location = resources.files("microneedling.clinic") / "migrations"
    config.set_main_option("script_location", str(location))
    if connection is not None:
        config.attributes["connection"] = connection
    return config
