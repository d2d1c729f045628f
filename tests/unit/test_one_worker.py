"""One message worker per data directory (issue 15): the first process takes the slot."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from microneedling.clinic.messages.one_worker import worker_slot

HOLD = """
import sys, time
from pathlib import Path
from microneedling.clinic.messages.one_worker import worker_slot
slot = worker_slot(Path(sys.argv[1]))
print("held" if slot else "taken", flush=True)
sys.stdin.read()  # hold it until the test closes our stdin
"""


def test_the_second_taker_is_refused_until_the_first_lets_go(tmp_path: Path) -> None:
    first = worker_slot(tmp_path / "data")
    assert first is not None
    assert worker_slot(tmp_path / "data") is None
    elsewhere = worker_slot(tmp_path / "elsewhere")  # another clinic, its own worker
    assert elsewhere is not None
    elsewhere.close()
    first.close()
    again = worker_slot(tmp_path / "data")
    assert again is not None
    again.close()


def test_another_process_is_refused_and_its_end_frees_the_slot(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert holder.stdout is not None
    assert holder.stdin is not None
    assert holder.stdout.readline().strip() == "held"
    assert worker_slot(tmp_path) is None
    holder.stdin.close()
    holder.wait(timeout=120)
    holder.stdout.close()
    mine = worker_slot(tmp_path)
    assert mine is not None
    mine.close()
