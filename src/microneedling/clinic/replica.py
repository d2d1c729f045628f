"""A streaming replica of the clinic's PostgreSQL database, and when it may serve a read.

A hot standby replays the primary's write-ahead log a little behind it (milliseconds on a
quiet network; longer under load or while replay is paused). A read sent there could miss a
record just committed on the primary, perhaps by the very person asking. So before a reading
unit runs on the replica, :meth:`Replica.caught_up` asks the primary where its log ends now
(``pg_current_wal_insert_lsn()``: every commit that has returned is before it, with or without
``synchronous_commit``) and waits, for at most ``wait_seconds``, until the replica has replayed
that far (``pg_last_wal_replay_lsn()``). A snapshot taken after that sees every commit the
primary had made when the read began. When the replica does not catch up in time, cannot be
reached, or is no longer a standby (it was promoted), the caller reads the primary instead.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

#: First and longest pause between two looks at the replica's replay position [s].
FIRST_POLL_SECONDS = 0.002
LONGEST_POLL_SECONDS = 0.05

_PRIMARY_LOG_END = text("SELECT pg_current_wal_insert_lsn()::text")
# After a promotion pg_last_wal_replay_lsn() stays where recovery ended: ask about recovery too.
_REPLAYED_TO = text("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)")


class Replica:
    """A standby's engine, the primary's, and how long a read waits for the standby [s]."""

    def __init__(self, engine: Engine, primary: Engine, wait_seconds: float) -> None:
        self.engine = engine
        self.primary = primary
        self.wait_seconds = wait_seconds

    def primary_log_end(self) -> str:
        """Where the primary's write-ahead log ends now (a ``pg_lsn`` as text)."""
        with self.primary.connect() as connection:
            lsn: str = connection.execute(_PRIMARY_LOG_END).scalar_one()
            connection.rollback()
        return lsn

    def caught_up(self) -> bool:
        """Whether the replica has replayed every commit the primary made before this call.

        Waits up to ``wait_seconds`` for it; False when it has not by then, is unreachable,
        or is not a standby (each logged: the read then goes to the primary).
        """
        lsn = self.primary_log_end()
        deadline = time.monotonic() + self.wait_seconds
        pause = FIRST_POLL_SECONDS
        try:
            with self.engine.connect() as connection:
                while True:
                    # Each look is its own transaction (behind PgBouncer, perhaps on another
                    # server connection: the standby's replay position is the same for all).
                    standby, replayed = connection.execute(_REPLAYED_TO, {"lsn": lsn}).one()
                    connection.rollback()
                    if not standby:
                        log.warning("the replica is not a standby (promoted?): reading the primary")
                        return False
                    if replayed:
                        return True
                    if time.monotonic() + pause > deadline:
                        log.warning(
                            "the replica has not replayed %s within %.3f s: reading the primary",
                            lsn,
                            self.wait_seconds,
                        )
                        return False
                    time.sleep(pause)
                    pause = min(2 * pause, LONGEST_POLL_SECONDS)
        except DBAPIError as error:
            log.warning("the replica cannot be read (%s): reading the primary", error.orig)
            return False

    def dispose(self) -> None:
        self.engine.dispose()
