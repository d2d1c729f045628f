"""The implicit step's matrix ``capacity + h L(f)``, factorised once and solved many times.

Cells are numbered row by row, so the cell block of the matrix is a symmetric band of
half-width ``nr`` (radial neighbours at 1, axial at ``nr``). It is symmetric positive definite:
capacities are positive (a cell without capacity, a fully open formulation-filled channel
cell, has a unit row and no couplings) and ``L`` is a conductance Laplacian with non-negative
boundary conductances. Narrow bands (``nr <= BAND_LIMIT``: the default grids) are factorised by
LAPACK's banded Cholesky (``dpbtrf``/``dpbtrs``) without pivoting, two to four times faster
than a sparse LU; wider ones by SuperLU with a fill-reducing ordering, which there is as fast
when the machine is idle and does not slow down with it (LAPACK's blocked band path is
multithreaded and was three to six times slower on a loaded machine; docs/delivery.md).

A finite dose adds the donor as one unknown coupled to every cell that touches it; that border
is eliminated by its Schur complement (one extra cell solve per factorisation, a scalar per
step), so the cell block keeps its band.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.linalg.lapack import dpbtrf, dpbtrs
from threadpoolctl import ThreadpoolController

from microneedling.model.delivery.assembly import Operator
from microneedling.model.delivery.grid import FloatArray

#: Widest band (cells per row) factorised by banded Cholesky; wider goes to SuperLU.
BAND_LIMIT = 32


@cache
def _blas_threads() -> ThreadpoolController:
    """The process's BLAS/LAPACK thread pools (looked up once: about 0.1 ms a look-up)."""
    return ThreadpoolController()


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the block with one BLAS/LAPACK thread, restoring the pools afterwards.

    Why: the step matrices are small (hundreds to a few thousand cells, band half-width
    below 33), far below the size at which OpenBLAS's threads pay for their start-up and
    synchronisation. Measured on the benchmark problem (resolution 2, 14 steps, one
    factorisation) at load average 7.6 on two cores: 23.7 ms with OpenBLAS's two threads,
    2.7 ms with one (``benchmarks/delivery_bench.py``; docs/delivery.md).
    """
    with _blas_threads().limit(limits=1, user_api="blas"):
        yield


def _banded_cells(
    diag: FloatArray, radial: FloatArray, axial: FloatArray, nr: int
) -> Callable[[FloatArray], FloatArray]:
    """Solver of the cell block by banded Cholesky (upper storage: row ``nr`` the diagonal,
    row ``nr - 1`` the radial band, row 0 the axial one; with ``nr == 1`` radial is zero)."""
    band = np.zeros((nr + 1, diag.size))
    band[nr] = diag
    band[nr - 1, 1:] += radial[1:]
    band[0, nr:] += axial[nr:]
    factor, info = dpbtrf(band)
    if info != 0:
        raise ArithmeticError(f"step matrix not positive definite (LAPACK info {info})")

    def solve(rhs: FloatArray) -> FloatArray:
        x, status = dpbtrs(factor, rhs)
        if status != 0:
            raise ArithmeticError(f"banded solve failed (LAPACK info {status})")
        return np.asarray(x, dtype=np.float64)

    return solve


def _sparse_cells(
    diag: FloatArray, radial: FloatArray, axial: FloatArray, nr: int
) -> Callable[[FloatArray], FloatArray]:
    """Solver of the cell block by SuperLU (symmetric mode, MMD(AᵀA+A), no pivoting: the
    matrix is strictly diagonally dominant)."""
    bands = {0: diag, nr: axial[nr:], -nr: axial[nr:]}
    if nr > 1:
        bands.update({1: radial[1:], -1: radial[1:]})
    matrix = sp.diags(list(bands.values()), list(bands), shape=(diag.size, diag.size))
    lu = spla.splu(
        sp.csc_matrix(matrix),
        permc_spec="MMD_AT_PLUS_A",
        diag_pivot_thresh=0.0,
        options={"SymmetricMode": True},
    )

    def solve(rhs: FloatArray) -> FloatArray:
        return np.asarray(lu.solve(rhs), dtype=np.float64)

    return solve


class StageFactor:
    """Factor of ``diag(capacity, 1 where 0) + h L(f)`` [cm³] for step weight ``h`` [h] and
    open fraction ``f``; :meth:`solve` returns potentials [µg/cm³] for amounts [µg]."""

    def __init__(self, operator: Operator, h: float, open_fraction: float) -> None:
        grid = operator.grid
        n_cells, nr = grid.size, grid.nr
        capacity = operator.capacity(open_fraction)
        diag, radial, axial = operator.bands(open_fraction)
        cells = capacity[:n_cells]
        diag = np.where(cells > 0.0, cells, 1.0) + h * diag
        build = _banded_cells if nr <= BAND_LIMIT else _sparse_cells
        self._solve_cells = build(diag, h * radial, h * axial, nr)
        self._n_cells = n_cells
        self._border: FloatArray | None = None
        if operator.finite_donor:
            donor = operator.donor(open_fraction)
            self._border = -h * donor
            self._border_solved = self._solve_cells(self._border)
            corner = float(capacity[n_cells]) + h * float(donor.sum())
            self._schur = corner - float(np.dot(self._border, self._border_solved))

    def solve(self, rhs: FloatArray) -> FloatArray:
        """The potentials ``u`` with ``(capacity + h L) u = rhs`` (cells, then the donor)."""
        n = self._n_cells
        if self._border is None:
            return self._solve_cells(rhs)
        cells = self._solve_cells(rhs[:n])
        donor = (float(rhs[n]) - float(np.dot(self._border, cells))) / self._schur
        out = np.empty(n + 1)
        np.subtract(cells, self._border_solved * donor, out=out[:n])
        out[n] = donor
        return out
