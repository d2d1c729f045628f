"""Every write the server acknowledged is there after it is killed mid-stream (SIGKILL).

The real ``microneedling serve`` takes a stream of patient records over HTTP from a writer
thread; the test kills it with SIGKILL while requests are in flight, starts it again on the
same data directory and reads back every record whose 201 the writer received. SQLite runs in
WAL mode with ``synchronous = FULL`` (also checked), so a commit is on disk before the answer.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import pytest

from served_clinic import PASSWORD, ServedClinic, make_clinic

pytestmark = pytest.mark.slow

ROUNDS = 3
#: Acknowledged writes to wait for before each kill (the writer keeps going meanwhile).
WRITES_BEFORE_KILL = 25


def _token(url: str) -> str:
    response = httpx.post(
        url + "/api/auth/token", json={"username": "front-desk", "password": PASSWORD}
    )
    response.raise_for_status()
    token: str = response.json()["token"]
    return token


def _letters(number: int) -> str:
    """``number`` in base 26 with the letters a-z (``0`` is ``a``)."""
    word = ""
    while True:
        number, digit = divmod(number, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[digit] + word
        if number == 0:
            return word


class Writer(threading.Thread):
    """Creates patients one after another until the server stops answering."""

    def __init__(self, url: str, token: str, round_no: int) -> None:
        super().__init__(daemon=True)
        self.url, self.token, self.round_no = url, token, round_no
        self.acknowledged: list[tuple[int, str]] = []
        self.refused: list[int] = []

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=10) as client:
            for n in range(10_000):  # bounded: the kill ends it long before
                family = f"Durable-{_letters(self.round_no)}-{_letters(n)}"  # names take no digits
                body = {"given_name": "Kim", "family_name": family, "date_of_birth": "1980-01-01"}
                try:
                    response = client.post("/api/patients", json=body)
                except httpx.HTTPError:
                    return
                if response.status_code == 201:
                    self.acknowledged.append((response.json()["id"], family))
                else:
                    self.refused.append(response.status_code)


def test_acknowledged_writes_survive_sigkill(tmp_path: Path) -> None:
    make_clinic(tmp_path)
    server = ServedClinic(tmp_path)
    acknowledged: list[tuple[int, str]] = []
    try:
        for round_no in range(ROUNDS):
            url = server.start()
            writer = Writer(url, _token(url), round_no)
            writer.start()
            deadline = time.monotonic() + 120
            while len(writer.acknowledged) < WRITES_BEFORE_KILL and writer.is_alive():
                assert writer.refused == []
                assert time.monotonic() < deadline, "the writer made no progress"
                time.sleep(0.01)
            server.kill()
            writer.join(timeout=30)
            assert not writer.is_alive()
            acknowledged += writer.acknowledged
        url = server.start()
        headers = {"Authorization": f"Bearer {_token(url)}"}
        with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
            missing = []
            for patient_id, family in acknowledged:
                response = client.get(f"/api/patients/{patient_id}")
                if response.status_code != 200 or response.json()["family_name"] != family:
                    missing.append(patient_id)
    finally:
        server.stop()
    assert len(acknowledged) >= ROUNDS * WRITES_BEFORE_KILL
    assert missing == []


def test_sqlite_commits_with_synchronous_full(tmp_path: Path) -> None:
    from microneedling.clinic import Database

    database = Database(f"sqlite:///{tmp_path / 'clinic.sqlite3'}")
    with database.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    database.dispose()
    assert (mode, journal) == (2, "wal")  # 2 = FULL
