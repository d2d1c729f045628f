"""Clinic load: simulated staff against the real server, per route, on SQLite or PostgreSQL.

    uv run python -m benchmarks.clinic_load --staff 10 50 100 --seconds 30 --db sqlite

Seeds a clinic of realistic size (benchmarks/clinic_seed.py: the demo clinic, then thousands of
patients copied from it), starts ``microneedling serve`` on loopback, and then, in one run:

1. the app's ceiling: closed-loop clients with no think time on a trivial page of the same app
   and server (the sign-in form: a template, no database), and each route's own saturated
   throughput as a ratio of that ceiling;
2. for each staff count, closed-loop staff with think time (uniform 0.5-1.5 x ``--think``)
   over the mix 30 % day schedule, 25 % search, 25 % patient record, 10 % intake (a new intake
   version, screened), 10 % booking; throughput and p50/p95/p99 latency per route, errors.

Figures are printed with the load average (/proc/loadavg) before and after. For each saturated
route the CPU time per request of the server (every worker process, from /proc) and of this
client is printed too: on a small machine the client's share bounds the ceiling it can measure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import ssl
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from benchmarks._postgres import free_port, postgres_on_loopback
from benchmarks.clinic_seed import FAMILY, SeededClinic, seed_clinic

MIX = (("schedule", 30), ("search", 25), ("record", 25), ("intake", 10), ("booking", 10))
ROOMS = '["room-1", "room-2", "room-3", "room-4", "room-5", "room-6"]'


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


@dataclass
class World:
    """What the simulated staff need: addresses, sessions and ids."""

    base: str
    cookies: list[str]
    bearer: str
    seeded: SeededClinic
    intake: dict[str, Any]
    today: date
    #: Each patient's date of birth and sex, which an intake must repeat.
    identity: dict[int, dict[str, Any]] = field(default_factory=dict)
    slot: Iterator[int] = field(default_factory=lambda: iter(range(10**9)))


def _env(url: str, data_dir: Path, workers: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICRONEEDLING_")}
    env.update(DATABASE_URL=url, MICRONEEDLING_DATA_DIR=str(data_dir),
               MICRONEEDLING_ENVIRONMENT="development", MICRONEEDLING_ROOMS=ROOMS,
               MICRONEEDLING_OPENING_HOURS="mon-sun 07:00-21:00",
               MICRONEEDLING_WORKERS=str(workers))  # fmt: skip
    return env


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` and its children now alive (Linux /proc) [s]."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    pids = [pid, *(int(p) for p in children.read_text().split())] if children.exists() else [pid]
    ticks = 0
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # ended meanwhile
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


@contextmanager
def served(env: dict[str, str], data_dir: Path, workers: int) -> Iterator[tuple[str, int]]:
    port = free_port()
    script = Path(sys.executable).parent / "microneedling"
    server = subprocess.Popen(
        [str(script), "serve", "--port", str(port), "--data-dir", str(data_dir),
         "--workers", str(workers)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/login", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            raise SystemExit("the server did not start")
        yield base, server.pid
    finally:
        server.terminate()
        server.wait(timeout=60)


def request_for(world: World, route: str, rng: random.Random) -> Callable[[httpx.AsyncClient], Any]:
    """One request of ``route`` with fresh random arguments (a coroutine factory)."""
    patient = rng.choice(world.seeded.patient_ids)
    api = {"Authorization": f"Bearer {world.bearer}"}
    if route == "trivial":
        return lambda c: c.get("/login")
    if route == "schedule":
        day = world.today - timedelta(days=rng.randint(0, 330))
        return lambda c: c.get("/schedule", params={"day": day.isoformat()})
    if route == "search":
        return lambda c: c.get("/patients", params={"q": rng.choice(FAMILY)})
    if route == "record":
        return lambda c: c.get(f"/patients/{patient}")
    if route == "intake":
        body = {"answers": {**world.intake, **world.identity[patient]}}
        return lambda c: c.post(f"/api/patients/{patient}/intakes", json=body, headers=api)
    # booking: a slot nobody else takes (one per half hour, far enough ahead to be free)
    n = next(world.slot)
    starts = datetime.combine(world.today + timedelta(days=500 + n // 28), datetime.min.time())
    starts += timedelta(hours=7, minutes=30 * (n % 28))
    body = {"patient_id": patient, "practitioner_id": world.seeded.practitioner_id,
            "room": "room-6", "kind": "consultation", "starts_at": starts.isoformat(),
            "duration_minutes": 30}  # fmt: skip
    return lambda c: c.post("/api/appointments", json=body, headers=api)


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    #: The first refusal per route, to say what went wrong.
    first_error: dict[str, str] = field(default_factory=dict)


async def _staff(client: httpx.AsyncClient, world: World, routes: list[str], weights: list[int],
                 think: float, until: float, tally: Tally, seed: int) -> None:  # fmt: skip
    rng = random.Random(seed)
    async with client:
        if think:
            await asyncio.sleep(rng.uniform(0, think))  # staff do not all start at once
        while time.monotonic() < until:
            route = rng.choices(routes, weights)[0]
            send = request_for(world, route, rng)
            began = time.perf_counter()
            try:
                response = await send(client)
                ok = response.status_code < 400
                why = f"{response.status_code} {response.text[:200]}"
            except httpx.HTTPError as error:
                ok, why = False, repr(error)
            tally.latencies[route].append(time.perf_counter() - began)
            if not ok:
                tally.errors[route] += 1
                tally.first_error.setdefault(route, why)
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


def run(world: World, clients: int, routes: list[str], weights: list[int], think: float,
        seconds: float) -> tuple[Tally, float]:  # fmt: skip
    tally = Tally()
    tls = ssl.create_default_context()  # one for all: making one per client costs seconds
    started = until = 0.0

    async def all_staff() -> None:
        nonlocal started, until
        staff = [
            httpx.AsyncClient(base_url=world.base, timeout=120, follow_redirects=False,
                              cookies={"mn_session": world.cookies[n % len(world.cookies)]},
                              verify=tls)
            for n in range(clients)
        ]  # fmt: skip
        started = time.monotonic()  # the clock starts once every client is ready
        until = started + seconds
        await asyncio.gather(*(
            _staff(client, world, routes, weights, think, until, tally, n)
            for n, client in enumerate(staff)))  # fmt: skip

    asyncio.run(all_staff())
    return tally, time.monotonic() - started


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def seed_world(url: str, data_dir: Path, staff: int, patients: int) -> tuple[Any, SeededClinic]:
    from microneedling.clinic import Clinic, ClinicSettings

    settings = ClinicSettings(data_dir=data_dir, database_url=url, rooms=json.loads(ROOMS),
                              opening_hours="mon-sun 07:00-21:00")  # fmt: skip
    clinic = Clinic(settings)
    clinic.start()
    return clinic, seed_clinic(clinic, patients)


def bench_backend(backend: str, url: str, args: argparse.Namespace) -> None:
    from sqlalchemy import select

    from microneedling.clinic.models import IntakeRecord, Patient
    from microneedling.clinic.services.signin import SignIn

    data_dir = Path(tempfile.mkdtemp(prefix="mn-bench-")) / "data"
    began = time.monotonic()
    clinic, seeded = seed_world(url, data_dir, max(args.staff), args.patients)
    print(f"[{backend}] seeded in {time.monotonic() - began:.1f} s: "
          f"{len(seeded.patient_ids) + 5} patients, {seeded.counts}", flush=True)  # fmt: skip
    hale = next(a for a in seeded.accounts if a.username == "dr.hale")
    signin = SignIn(clinic)
    cookies = [signin.login(hale.username, hale.password, None, "cookie").token
               for _ in range(min(max(args.staff), 20))]  # fmt: skip
    bearer = signin.login(hale.username, hale.password, None, "api").token
    with clinic.db.reading() as session:
        # Stored answers load as the Intake model since the typed column (a dict before).
        answers = session.scalars(select(IntakeRecord.answers).limit(1)).one()
        intake = answers if isinstance(answers, dict) else answers.model_dump(mode="json")
        identity = {
            row.id: {"date_of_birth": row.date_of_birth.isoformat(), "sex": row.sex}
            for row in session.execute(select(Patient.id, Patient.date_of_birth, Patient.sex))
        }
    world = World("", cookies, bearer, seeded, intake, clinic.today(), identity=identity)
    clinic.db.dispose()
    env = _env(url, data_dir, args.workers)
    with served(env, data_dir, args.workers) as (base, pid):
        world.base = base
        print(f"[{backend}] load average before: {loadavg()}", flush=True)
        run(world, 4, ["trivial", "record"], [1, 1], 0, 3)  # warm-up, not counted
        ceiling: dict[str, float] = {}
        cpu: dict[str, tuple[float, float]] = {}  # server, client CPU per request [ms]
        for route in ["trivial", *(r for r, _ in MIX)]:
            server, client = server_cpu_seconds(pid), time.process_time()
            tally, took = run(world, args.saturation_clients, [route], [1], 0, args.saturation)
            done = max(1, len(tally.latencies[route]))
            cpu[route] = ((server_cpu_seconds(pid) - server) / done * 1000,
                          (time.process_time() - client) / done * 1000)  # fmt: skip
            ceiling[route] = len(tally.latencies[route]) / took
        print(f"\n[{backend}] saturated throughput, {args.saturation_clients} clients, no think "
              f"time, {args.saturation:.0f} s each (ratio to the trivial page):")  # fmt: skip
        for route, rate in ceiling.items():
            print(
                f"  {route:9s} {rate:8.1f} req/s  {rate / ceiling['trivial']:6.1%}  CPU per "
                f"request: server {cpu[route][0]:6.2f} ms, client {cpu[route][1]:6.2f} ms"
            )
        for staff in args.staff:
            tally, took = run(world, staff, [r for r, _ in MIX], [w for _, w in MIX],
                              args.think, args.seconds)  # fmt: skip
            total = sum(len(v) for v in tally.latencies.values())
            print(f"\n[{backend}] {staff} staff, think {args.think} s, {took:.0f} s: "
                  f"{total / took:.1f} req/s, load average {loadavg()}")  # fmt: skip
            print(f"  {'route':9s} {'req/s':>7s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} "
                  f"{'errors':>6s}")  # fmt: skip
            for route, _ in MIX:
                values = tally.latencies[route]
                print(f"  {route:9s} {len(values) / took:7.1f} {pct(values, 0.5):8.1f} "
                      f"{pct(values, 0.95):8.1f} {pct(values, 0.99):8.1f} "
                      f"{tally.errors[route]:6d}")  # fmt: skip
            for route, why in tally.first_error.items():
                print(f"  first {route} error: {why}")
        print(f"[{backend}] load average after: {loadavg()}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--staff", type=int, nargs="+", default=[10, 50, 100])
    parser.add_argument("--seconds", type=float, default=30.0, help="each staff count [s]")
    parser.add_argument("--db", choices=["sqlite", "postgres"], nargs="+", default=["sqlite"])
    parser.add_argument("--think", type=float, default=1.0, help="mean think time [s]")
    parser.add_argument("--patients", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=1, help="serve --workers")
    parser.add_argument("--saturation", type=float, default=5.0, help="each route [s]")
    parser.add_argument("--saturation-clients", type=int, default=8)
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, "
          f"load average {loadavg()}", flush=True)  # fmt: skip
    for backend in args.db:
        if backend == "sqlite":
            with tempfile.TemporaryDirectory(prefix="mn-bench-sqlite-") as tmp:
                bench_backend("sqlite", f"sqlite:///{tmp}/clinic.sqlite3", args)
        else:
            with postgres_on_loopback() as url:
                bench_backend("postgres", url, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
