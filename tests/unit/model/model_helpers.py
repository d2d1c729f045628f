"""Builders shared by the skin-response model tests (imported as ``model_helpers``)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Literal

import numpy as np

from microneedling.knowledge import load_knowledge
from microneedling.model import Course, full_parameter_set
from microneedling.model.solver.inputs import PatientArrays, course_parameters, patient_arrays

ROOT = Path(__file__).resolve().parents[3]


def make_course(
    *,
    kind: Literal["pen", "roller"] = "pen",
    length_mm: float = 1.0,
    passes: int = 3,
    sessions: int = 4,
    gap_days: int = 28,
    site: str = "cheeks",
    concern: str = "fine_lines",
    occluded: bool = False,
    horizon_days: int | None = None,
    age: float = 40,
) -> Course:
    return Course.repeated(
        dt.date(2026, 1, 5), kind, length_mm, passes, sessions, gap_days, site=site,
        concern=concern, occluded=occluded, age_years=age, sex="female", horizon_days=horizon_days,
    )  # fmt: skip


def arrays_for(course: Course, n: int = 1, seed: int | None = None) -> PatientArrays:
    """Solver inputs for ``n`` patients: nominal values, or drawn from the spreads."""
    resolved, pset = course_parameters(course, load_knowledge(), full_parameter_set())
    rng = np.random.default_rng(seed)
    values = {
        name: (np.full(n, p.value) if seed is None else p.spread.from_unit(p.value, rng.random(n)))
        for name, p in pset.items()
    }
    return patient_arrays(course, resolved.concern, values)


def load_reference() -> ModuleType:
    """The solve_ivp reference kept in benchmarks/ (the same one the benchmark times)."""
    path = ROOT / "benchmarks" / "model_reference.py"
    spec = importlib.util.spec_from_file_location("model_reference", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
