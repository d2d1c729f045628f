"""Run every benchmark: ``python -m benchmarks`` (each ``benchmarks/*_bench.py`` with a ``main``).

Benchmarks are run on demand, never by the test suite; each prints its own figures.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> int:
    status = 0
    here = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(here)]), key=lambda m: m.name):
        if not info.name.endswith("_bench"):
            continue
        module = importlib.import_module(f"benchmarks.{info.name}")
        run = getattr(module, "main", None)
        if run is None:
            continue
        print(f"== {info.name}", flush=True)
        status |= int(run() or 0)
    return status


if __name__ == "__main__":
    sys.exit(main())
