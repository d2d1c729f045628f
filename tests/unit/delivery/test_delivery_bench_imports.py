"""The work-precision benchmark module imports without FiPy or py-pde (each is imported only
when it runs)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).parents[3] / "benchmarks" / "delivery_bench.py"


def test_benchmark_module_imports_and_defines_the_problem() -> None:
    spec = importlib.util.spec_from_file_location("delivery_bench", BENCH)
    assert spec is not None
    assert spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    problem = bench.problem()
    assert problem.duration_h == 1.0
    assert problem.cell is not None
    assert callable(bench.main)
    assert problem.cell.radius_um == pytest.approx(bench.CELL_RADIUS_UM)
    assert "uv run python -m benchmarks.delivery_bench" in (bench.__doc__ or "")
