"""The step factor (banded or sparse) and the band products agree with the same operator as a
sparse matrix."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from delivery_cases import channel_problem

from microneedling.model.delivery import CHANNEL_CONTENTS, ChannelContent, Dose, factor
from microneedling.model.delivery.assembly import Operator, assemble
from microneedling.model.delivery.factor import StageFactor
from microneedling.model.delivery.grid import build_grid


def _operator(content: ChannelContent, finite: bool, channels: bool = True) -> Operator:
    problem = channel_problem(dose=Dose(volume_ul_per_cm2=10.0) if finite else Dose())
    cell = problem.cell if channels else None
    grid = build_grid([layer.thickness_um for layer in problem.layers], cell, 1, content)
    donor_volume = 1e-2 * grid.area_cm2 if finite else None
    fluid = problem.channel_fluid if channels else None
    return assemble(grid, problem.layers, fluid, donor_volume, content)


@pytest.mark.parametrize("content", CHANNEL_CONTENTS)
@pytest.mark.parametrize("finite", [False, True])
@pytest.mark.parametrize("f", [1.0, 0.37, 0.0])
@pytest.mark.parametrize("band_limit", [factor.BAND_LIMIT, 0])
def test_stage_factor_solves_the_sparse_system(
    content: ChannelContent,
    finite: bool,
    f: float,
    band_limit: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(factor, "BAND_LIMIT", band_limit)  # 0: every grid goes to SuperLU
    op = _operator(content, finite)
    h = 0.29
    capacity = op.capacity(f)
    matrix = sp.diags(np.where(capacity > 0.0, capacity, 1.0)) + h * op.matrix(f)
    rhs = np.random.default_rng(4).random(op.size)
    want = spla.spsolve(sp.csc_matrix(matrix), rhs)
    got = StageFactor(op, h, f).solve(rhs)
    assert np.allclose(got, want, rtol=1e-10, atol=1e-12 * np.abs(want).max())


@pytest.mark.parametrize("content", CHANNEL_CONTENTS)
@pytest.mark.parametrize("finite", [False, True])
def test_band_product_equals_the_sparse_product(content: ChannelContent, finite: bool) -> None:
    op = _operator(content, finite)
    u = np.random.default_rng(5).random(op.size)
    for f in (1.0, 0.5, 0.0):
        assert np.allclose(op.apply(f, u), op.matrix(f) @ u, rtol=1e-12, atol=0.0)


def test_operator_is_symmetric_and_conserves_without_boundaries() -> None:
    op = _operator("interstitial_fluid", finite=True)
    matrix = op.matrix(0.6)
    assert abs(matrix - matrix.T).max() == 0.0
    # Rows sum to the boundary conductances: to the sink (the donor is inside the system).
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    sink = np.zeros(op.size)
    sink[op.grid.size - op.grid.nr : op.grid.size] = op.bottom(0.6)
    assert np.allclose(sums, sink, rtol=0.0, atol=1e-12 * np.abs(matrix).max())


def test_intact_skin_is_one_column() -> None:
    op = _operator("formulation", finite=False, channels=False)
    assert op.grid.nr == 1
    rhs = np.linspace(1.0, 2.0, op.size)
    capacity = op.capacity(0.0)
    matrix = sp.diags(capacity) + 0.5 * op.matrix(0.0)
    want = spla.spsolve(sp.csc_matrix(matrix), rhs)
    assert np.allclose(StageFactor(op, 0.5, 0.0).solve(rhs), want, rtol=1e-12)
