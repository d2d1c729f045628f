"""What one request of each hot route costs: CPU time and SQL statements, side by side.

    uv run python -m benchmarks.route_cost [--patients 5000] [--requests 60] [--rounds 3]
        [--against /other/checkout] [--profile record]

Seeds one clinic of realistic size (benchmarks/clinic_seed.py), then, for this checkout and
(with ``--against``) another one, in fresh processes taking turns (so a busy moment of the
shared machine hits both alike), serves the app in-process (Starlette's test client: the app,
its middleware, routing, templates and database, without sockets) on a copy of that database and
sends each route ``--requests`` times. Per request it reports the process's CPU time (user +
system, the audit writer thread included; less disturbed by other load than wall clock, best of
``--rounds``) and the number of SQL statements the database executed. With ``--against`` the
ratio this / other of CPU time. ``--profile ROUTE`` samples that route in this checkout with
py-spy (every thread, attached after the warm-up) and prints where the time goes instead.
``--seed-dir DIR`` keeps the seeded clinic there and reuses it on the next run. Prints the load
average before and after.

The other checkout is seeded first when given (its schema may be older; this checkout migrates
its copy forward when it starts).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ROUTES = ("trivial", "me", "schedule", "week", "search", "record", "plan", "intake", "booking")
#: Stacks that are not a request's work (importing, signing in) and frames that are waiting.
SKIP = ("_find_and_load", "SignIn.login", "_seed")
IDLE = ("Condition.wait", "EpollSelector.select", "lock.acquire", "Event.wait", "sleep")
ROOMS = '["room-1", "room-2", "room-3", "room-4", "room-5", "room-6"]'


def loadavg() -> list[str]:
    return Path("/proc/loadavg").read_text().split()[:3]


def _env(data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MICRONEEDLING_")}
    env.update(
        DATABASE_URL=f"sqlite:///{data / 'clinic.sqlite3'}",
        MICRONEEDLING_DATA_DIR=str(data),
        MICRONEEDLING_ENVIRONMENT="development",
        MICRONEEDLING_ROOMS=ROOMS,
        MICRONEEDLING_OPENING_HOURS="mon-sun 07:00-21:00",
        MICRONEEDLING_TIMEZONE="Europe/Berlin",
        PYTHONPATH=str(ROOT),  # this script's benchmarks package, the checkout's own src
    )
    return env


# --- the child: one checkout, one copy of the database --------------------------------------


def _seed(data: Path, patients: int) -> None:
    from benchmarks.clinic_seed import seed_clinic
    from microneedling.clinic import Clinic, ClinicSettings

    clinic = Clinic(ClinicSettings())
    clinic.start()
    seeded = seed_clinic(clinic, patients)
    hale = next(a for a in seeded.accounts if a.username == "dr.hale")
    (data / "seeded.json").write_text(
        json.dumps(
            {"patients": seeded.patient_ids, "password": hale.password,
             "practitioner": seeded.practitioner_id}
        )
    )  # fmt: skip
    clinic.db.dispose()


def _measure(
    data: Path, requests: int, only: str | None, spy: Path | None = None
) -> dict[str, Any]:
    import random
    from datetime import datetime, timedelta

    from sqlalchemy import event, select
    from starlette.testclient import TestClient

    from microneedling.clinic import Clinic, ClinicSettings
    from microneedling.clinic.models import IntakeRecord, Patient, PlanRecord
    from microneedling.clinic.services.signin import SignIn
    from microneedling.web.app import create_app

    seeded = json.loads((data / "seeded.json").read_text())
    clinic = Clinic(ClinicSettings())
    app = create_app(clinic=clinic)
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    results: dict[str, Any] = {}
    with TestClient(app, base_url="http://127.0.0.1") as client:
        signin = SignIn(clinic)
        cookie = signin.login("dr.hale", seeded["password"], None, "cookie").token
        bearer = signin.login("dr.hale", seeded["password"], None, "api").token
        client.cookies.set("mn_session", cookie)
        api = {"Authorization": f"Bearer {bearer}"}
        with clinic.db.reading() as session:
            # Stored answers load as the Intake model since the typed column (a dict before).
            answers = session.scalars(select(IntakeRecord.answers).limit(1)).one()
            intake = answers if isinstance(answers, dict) else answers.model_dump(mode="json")
            plans = list(session.scalars(select(PlanRecord.id).limit(500)))
            who = {
                row.id: {"date_of_birth": row.date_of_birth.isoformat(), "sex": row.sex}
                for row in session.execute(select(Patient.id, Patient.date_of_birth, Patient.sex))
            }
        rng = random.Random(15)
        today = clinic.today()
        slot = iter(range(10**9))

        def send(route: str) -> Any:
            patient = rng.choice(seeded["patients"])
            if route == "trivial":
                return client.get("/login")
            if route == "me":
                return client.get("/api/auth/me", headers=api)
            if route == "schedule":
                day = today - timedelta(days=rng.randint(0, 330))
                return client.get("/schedule", params={"day": day.isoformat()})
            if route == "week":
                day = today - timedelta(days=rng.randint(0, 330))
                return client.get("/calendar/week", params={"day": day.isoformat()})
            if route == "search":
                return client.get("/patients", params={"q": rng.choice(["Baker", "Ito", "Khan"])})
            if route == "record":
                return client.get(f"/patients/{patient}")
            if route == "plan":
                return client.get(f"/plans/{rng.choice(plans)}")
            if route == "intake":
                body = {"answers": {**intake, **who[patient]}}
                return client.post(f"/api/patients/{patient}/intakes", json=body, headers=api)
            n = next(slot)
            starts = datetime.combine(today + timedelta(days=500 + n // 28), datetime.min.time())
            starts += timedelta(hours=7, minutes=30 * (n % 28))
            body = {"patient_id": patient, "practitioner_id": seeded["practitioner"],
                    "room": "room-6", "kind": "consultation", "starts_at": starts.isoformat(),
                    "duration_minutes": 30}  # fmt: skip
            return client.post("/api/appointments", json=body, headers=api)

        event.listen(clinic.db.engine, "before_cursor_execute", count)
        for route in [only] if only else ROUTES:
            for _ in range(5):  # warm-up: templates compiled, caches filled
                response = send(route)
                if response.status_code >= 400:
                    raise SystemExit(f"{route}: {response.status_code} {response.text[:300]}")
            statements[0] = 0
            # Attached after the warm-up: the first requests build FastAPI's route tables and
            # compile templates, once per process, which is not what a request costs.
            sampler = _attach(spy) if spy else None
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(requests):
                send(route)
            if sampler is not None:
                sampler.send_signal(signal.SIGINT)
                sampler.wait()
            results[route] = {
                "cpu_ms": (time.process_time() - cpu) / requests * 1000,
                "wall_ms": (time.perf_counter() - wall) / requests * 1000,
                "sql": statements[0] / requests,
            }
    clinic.db.dispose()
    return results


def _attach(stacks: Path) -> subprocess.Popen[bytes]:
    """py-spy sampling this process (every thread) until interrupted."""
    spy = [str(Path(sys.executable).parent / "py-spy"), "record", "--rate", "500",
           "--format", "raw", "--output", str(stacks), "--pid", str(os.getpid())]  # fmt: skip
    sampler = subprocess.Popen(spy, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # py-spy attaches and starts sampling
    return sampler


def child(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--seed", type=int)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--only", choices=ROUTES)
    parser.add_argument("--spy", type=Path, help="py-spy's stacks, sampled after the warm-up")
    args = parser.parse_args(argv)
    if args.seed is not None:
        _seed(args.data, args.seed)
        return 0
    print(
        "RESULT " + json.dumps(_measure(args.data, args.requests, args.only, args.spy)), flush=True
    )
    return 0


# --- the parent: seed once, take turns ------------------------------------------------------


def _python(checkout: Path) -> str:
    return str(checkout / ".venv/bin/python")


def _run(checkout: Path, data: Path, extra: list[str]) -> dict[str, Any]:
    env = _env(data)
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{checkout / 'src'}"
    command = [_python(checkout), str(Path(__file__)), "--child", "--data", str(data), *extra]
    done = subprocess.run(
        command,
        env=env, cwd=checkout, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{checkout}: {done.stderr[-3000:]}")
    line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
    return json.loads(line[7:]) if line else {}


def print_profile(stacks: Path, top: int = 40) -> None:
    """py-spy's sampled stacks (all threads): where the requests' time goes.

    Left out: imports and signing in (start-up, not a request) and threads waiting (idle).
    Inclusive shares are of the clinic's own functions; self shares of any function.
    """
    inclusive: dict[str, int] = {}
    own: dict[str, int] = {}
    total = 0
    for line in stacks.read_text().splitlines():
        path, _, n = line.rpartition(" ")
        if any(skip in path for skip in SKIP) or path.rsplit(";", 1)[-1].startswith(IDLE):
            continue
        frames = path.split(";")[1:]
        total += int(n)
        for frame in {f for f in frames if "microneedling/" in f}:
            inclusive[frame] = inclusive.get(frame, 0) + int(n)
        if frames:
            own[frames[-1]] = own.get(frames[-1], 0) + int(n)
    for title, table in (("inclusive (the clinic's code)", inclusive), ("self", own)):
        print(f"\n{title}, share of {total} samples:")
        for frame, n in sorted(table.items(), key=lambda kv: -kv[1])[:top]:
            print(f"  {n / total:6.1%}  {frame.split('/src/')[-1]}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--patients", type=int, default=5_000)
    parser.add_argument("--requests", type=int, default=60, help="per route and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another checkout (with its .venv)")
    parser.add_argument("--profile", choices=ROUTES)
    parser.add_argument("--seed-dir", type=Path, help="keep (and reuse) the seeded clinic here")
    args = parser.parse_args(argv)
    sides = {"this": ROOT, **({"other": args.against.resolve()} if args.against else {})}
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, load average {loadavg()}")
    with tempfile.TemporaryDirectory(prefix="mn-route-cost-") as tmp:
        seed = args.seed_dir or Path(tmp) / "seed"
        if not (seed / "seeded.json").exists():
            seed.mkdir(parents=True, exist_ok=True)
            began = time.monotonic()
            _run(sides.get("other", ROOT), seed, ["--seed", str(args.patients)])
            print(f"seeded {args.patients} patients in {time.monotonic() - began:.0f} s")

        def fresh(name: str) -> Path:
            data = Path(tmp) / name
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(seed, data)
            return data

        if args.profile:
            stacks = (args.seed_dir or Path(tmp)) / f"stacks-{args.profile}.txt"
            only = ["--requests", str(args.requests), "--only", args.profile, "--spy", str(stacks)]
            _run(ROOT, fresh("this"), only)
            print_profile(stacks)
            return 0
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
        for _ in range(args.rounds):
            for name, checkout in sides.items():
                runs[name].append(_run(checkout, fresh(name), ["--requests", str(args.requests)]))
    print(f"per request, best of {args.rounds} rounds of {args.requests} (median in brackets):")
    head = f"{'route':9s} " + " ".join(f"{n + ' CPU ms':>18s} {n + ' SQL':>9s}" for n in sides)
    print(head + ("   this/other CPU" if args.against else ""))
    for route in ROUTES:
        line = f"{route:9s} "
        best: dict[str, float] = {}
        for name in sides:
            cpu = [r[route]["cpu_ms"] for r in runs[name]]
            best[name] = min(cpu)
            cell = f"{min(cpu):.2f} ({statistics.median(cpu):.2f})"
            line += f"{cell:>18s} {runs[name][0][route]['sql']:9.1f} "
        if args.against:
            line += f"  {best['this'] / best['other']:15.2f}"
        print(line)
    print(f"load average after: {loadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
