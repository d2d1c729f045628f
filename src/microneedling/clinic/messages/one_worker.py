"""One message worker per data directory, however many ``serve`` worker processes run.

``serve --workers N`` starts N app processes; each would run the message worker beside it,
and N workers would each plan every recall every round — the same reads N times over, for
nothing (claims already keep two workers from sending one message). The first process to
take an exclusive lock on a file in the data directory runs the worker; the others do not.
The operating system drops the lock when its process ends, so a restarted server's first
process takes it again.
"""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO

#: The lock file, in the data directory.
LOCK_NAME = "message-worker.lock"


def worker_slot(data_dir: Path) -> IO[bytes] | None:
    """The held lock (keep it open while the worker runs), or None when another has it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = (data_dir / LOCK_NAME).open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle
