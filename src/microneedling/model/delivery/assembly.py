"""Finite-volume operator of the unit cell, assembled once per grid.

Unknown: ``u = C / K``, the concentration referred to the vehicle (continuous across layer
interfaces, because partitioning equilibrium holds there). Conservation in each cell:
``d(V K u)/dt = sum over faces T (u_neighbour - u)``. The face conductance ``T`` [cm³/h] is
two half-cell resistances in series, ``T = A / (d1/(D1 K1) + d2/(D2 K2))``: this is exact for
the piecewise-linear profile of a layered medium, gives flux continuity by construction and
produces the concentration jump ``C2/C1 = K2/K1`` at every interface.

A partly closed channel: its cells hold a fraction ``f`` (open) of channel fluid and
``1 - f`` of the tissue the needle displaced. Open and closed parts are parallel paths, so
every conductance and capacity is ``closed + f * (open - closed)``: linear in ``f``. The
operator therefore stores the closed part and the difference, and a matrix for any ``f`` is
one sparse sum.

Boundaries: the top faces see the donor (vehicle concentration, ``u_donor``); the bottom faces
drain into a perfect sink (``u = 0``); the axis and the rim of the unit cell carry no flux.
A finite dose adds the donor film as one more, well-mixed unknown (index ``n_cells``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from microneedling.model.delivery.grid import FloatArray, Grid, IntArray
from microneedling.model.delivery.media import Layer, Medium


@dataclass(frozen=True)
class Operator:
    """Conductance matrices, capacities and boundary conductances, split into closed + delta.

    Matrices are CSC [cm³/h]; capacities are V·K [cm³]; ``top_*`` and ``bottom_*`` are the
    conductances [cm³/h] of the surface faces (one per column) and the sink faces.
    """

    grid: Grid
    matrix_closed: sp.csc_matrix
    matrix_delta: sp.csc_matrix
    capacity_closed: FloatArray
    capacity_delta: FloatArray
    top_closed: FloatArray
    top_delta: FloatArray
    bottom_closed: FloatArray
    bottom_delta: FloatArray
    finite_donor: bool

    @property
    def size(self) -> int:
        return int(self.capacity_closed.size)

    def matrix(self, open_fraction: float) -> sp.csc_matrix:
        return (self.matrix_closed + open_fraction * self.matrix_delta).tocsc()

    def capacity(self, open_fraction: float) -> FloatArray:
        return self.capacity_closed + open_fraction * self.capacity_delta

    def top(self, open_fraction: float) -> FloatArray:
        return self.top_closed + open_fraction * self.top_delta

    def bottom(self, open_fraction: float) -> FloatArray:
        return self.bottom_closed + open_fraction * self.bottom_delta

    def sensitivity(self, open_fraction: float) -> float:
        """Largest relative change of a diagonal entry or capacity per unit change of f."""
        diag_c = self.matrix_closed.diagonal()
        diag_d = self.matrix_delta.diagonal()
        cap = self.capacity(open_fraction)
        diag = diag_c + open_fraction * diag_d
        return float(
            max(
                np.max(np.abs(diag_d) / np.maximum(diag, 1e-300)),
                np.max(np.abs(self.capacity_delta) / np.maximum(cap, 1e-300)),
            )
        )


def _cell_fields(
    grid: Grid, layers: Sequence[Layer], fluid: Medium | None
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Permeance D·K [cm²/h] and partition K per cell, closed and open, shape (nz, nr)."""
    rows: IntArray = grid.layer_of_row
    perm_row = np.array([layers[i].medium.permeance_cm2_per_h for i in rows])
    part_row = np.array([layers[i].medium.partition for i in rows])
    perm_closed = np.repeat(perm_row[:, None], grid.nr, axis=1)
    part_closed = np.repeat(part_row[:, None], grid.nr, axis=1)
    if fluid is None:
        return perm_closed, part_closed, perm_closed, part_closed
    perm_open = np.where(grid.channel, fluid.permeance_cm2_per_h, perm_closed)
    part_open = np.where(grid.channel, fluid.partition, part_closed)
    return perm_closed, part_closed, perm_open, part_open


def _faces(
    grid: Grid, perm: FloatArray
) -> tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]:
    """Interior face list (cell a, cell b, conductance) and top/bottom conductances."""
    nr, nz = grid.nr, grid.nz
    rf, zf = grid.r_faces_cm, grid.z_faces_cm
    rc, zc = grid.r_centres_cm, grid.z_centres_cm
    dz = np.diff(zf)
    index = np.arange(nz * nr).reshape(nz, nr)

    # Radial faces between columns j and j+1 of every row.
    r_face = rf[1:-1]
    area_r = 2.0 * np.pi * np.outer(dz, r_face)
    res_r = (r_face - rc[:-1]) / perm[:, :-1] + (rc[1:] - r_face) / perm[:, 1:]
    t_r = area_r / res_r

    # Axial faces between rows k and k+1 of every column.
    rings = grid.ring_areas_cm2
    z_face = zf[1:-1]
    res_z = (z_face - zc[:-1])[:, None] / perm[:-1, :] + (zc[1:] - z_face)[:, None] / perm[1:, :]
    t_z = rings[None, :] / res_z

    a = np.concatenate((index[:, :-1].ravel(), index[:-1, :].ravel()))
    b = np.concatenate((index[:, 1:].ravel(), index[1:, :].ravel()))
    t = np.concatenate((t_r.ravel(), t_z.ravel()))
    top = rings / ((zc[0] - zf[0]) / perm[0, :])
    bottom = rings / ((zf[-1] - zc[-1]) / perm[-1, :])
    return a, b, t, top, bottom


def _matrix(
    n: int, a: IntArray, b: IntArray, t: FloatArray, diagonal_extra: FloatArray
) -> sp.csc_matrix:
    rows = np.concatenate((a, b, a, b, np.arange(diagonal_extra.size)))
    cols = np.concatenate((a, b, b, a, np.arange(diagonal_extra.size)))
    data = np.concatenate((t, t, -t, -t, diagonal_extra))
    return sp.csc_matrix(sp.coo_matrix((data, (rows, cols)), shape=(n, n)))


def assemble(
    grid: Grid,
    layers: Sequence[Layer],
    fluid: Medium | None,
    donor_volume_cm3: float | None,
) -> Operator:
    """Assemble the operator; ``donor_volume_cm3`` None means an infinite dose."""
    perm_c, part_c, perm_o, part_o = _cell_fields(grid, layers, fluid)
    volumes = grid.volumes_cm3.ravel()
    n_cells = grid.size
    finite = donor_volume_cm3 is not None
    n = n_cells + (1 if finite else 0)
    top_cells = np.arange(grid.nr)
    bottom_cells = np.arange(n_cells - grid.nr, n_cells)

    def build(
        perm: FloatArray, part: FloatArray
    ) -> tuple[sp.csc_matrix, FloatArray, FloatArray, FloatArray]:
        a, b, t, top, bottom = _faces(grid, perm)
        extra = np.zeros(n)
        extra[bottom_cells] += bottom
        if finite:
            # The donor film is one more cell, linked to every surface cell by a face.
            a = np.concatenate((a, top_cells))
            b = np.concatenate((b, np.full(grid.nr, n_cells)))
            t = np.concatenate((t, top))
        else:
            extra[top_cells] += top
        capacity = np.zeros(n)
        capacity[:n_cells] = volumes * part.ravel()
        if finite:
            capacity[n_cells] = float(donor_volume_cm3 or 0.0)
        return _matrix(n, a, b, t, extra), capacity, top, bottom

    m_c, cap_c, top_c, bot_c = build(perm_c, part_c)
    m_o, cap_o, top_o, bot_o = build(perm_o, part_o)
    return Operator(
        grid=grid,
        matrix_closed=m_c,
        matrix_delta=sp.csc_matrix(m_o - m_c),
        capacity_closed=cap_c,
        capacity_delta=cap_o - cap_c,
        top_closed=top_c,
        top_delta=top_o - top_c,
        bottom_closed=bot_c,
        bottom_delta=bot_o - bot_c,
        finite_donor=finite,
    )
