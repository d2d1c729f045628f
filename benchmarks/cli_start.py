"""How long the command line takes to start, against ``python -c pass`` in the same run.

    uv run python -m benchmarks.cli_start [--runs 10] [--against /other/checkout/.venv/bin]

Times ``microneedling --help`` and ``microneedling screen examples/intake-eligible.yaml`` as
fresh processes, beside an empty interpreter, interleaved so a busy moment hits every case
alike: wall clock (best and median of ``--runs``) and CPU time (user + system of the child,
which a loaded machine disturbs less). ``--against`` also times another checkout's command
(its virtual environment's bin directory) for a side-by-side ratio. Prints the load average.

``--bytecode cached`` (the default) times the program as installed: Python's compiled
bytecode caches are written by one untimed run of each command first (``pip install`` writes
them too). ``--bytecode none`` times it with ``PYTHONDONTWRITEBYTECODE=1`` and no caches, as a
development environment that sets that variable does: every start then compiles every module
it imports, which costs more than importing them.
Targets (issue 15): --help < 0.3 s, screen < 0.6 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTAKE = str(ROOT / "examples/intake-eligible.yaml")
TARGETS = {"--help": 0.3, "screen FILE": 0.6}


def cases(bin_dir: Path, label: str) -> dict[str, list[str]]:
    script = str(bin_dir / "microneedling")
    return {
        f"{label} --help": [script, "--help"],
        f"{label} screen FILE": [script, "screen", INTAKE],
    }


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall clock, CPU time of the child) in seconds."""
    before = os.times()
    began = time.perf_counter()
    subprocess.run(
        command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    wall = time.perf_counter() - began
    after = os.times()
    return wall, (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--against", type=Path, help="another checkout's .venv/bin")
    parser.add_argument("--bytecode", choices=["cached", "none"], default="cached")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if args.bytecode == "none":
        # Caches another run wrote would still be read: point Python at an empty cache tree.
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env["PYTHONPYCACHEPREFIX"] = tempfile.mkdtemp(prefix="mn-no-pycache-")
    print(f"load average before: {Path('/proc/loadavg').read_text().split()[:3]}")
    print(f"bytecode caches: {args.bytecode}")
    commands = {"python -c pass": [sys.executable, "-c", "pass"]}
    commands |= cases(Path(sys.executable).parent, "this")
    if args.against:
        commands |= cases(args.against, "other")
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    if args.bytecode == "cached":
        for command in commands.values():
            timed(command, env)  # writes the caches; not counted
    for _ in range(args.runs):
        for name, command in commands.items():
            w, c = timed(command, env)
            wall[name].append(w)
            cpu[name].append(c)
    base = min(wall["python -c pass"])
    print(
        f"{'command':24s} {'best s':>7s} {'median s':>8s} {'- python s':>10s} "
        f"{'CPU best s':>10s} target"
    )
    for name in commands:
        target = next((t for k, t in TARGETS.items() if name.endswith(k)), None)
        goal = f"< {target:.1f} s" if target and name.startswith("this") else ""
        print(
            f"{name:24s} {min(wall[name]):7.3f} {statistics.median(wall[name]):8.3f} "
            f"{min(wall[name]) - base:10.3f} {min(cpu[name]):10.3f} {goal}"
        )
    if args.against:
        for case in TARGETS:
            ratio = min(wall[f"this {case}"]) / min(wall[f"other {case}"])
            print(f"this / other, {case}: {ratio:.2f} (best wall clock)")
    print(f"load average after: {Path('/proc/loadavg').read_text().split()[:3]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
