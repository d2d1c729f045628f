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

What the open part of a channel holds (``channel_content``):

- ``"formulation"`` (default): the product applied right after needling fills the open
  channels, so the open part of a channel cell *is* donor, at the donor's potential. A channel
  cell is then its closed (tissue) part only: capacity and conductances ``(1 - f)`` times the
  tissue's; the tissue next to the channel (wall and bottom faces) sees the donor through
  ``f`` times its own half-cell conductance, as the top faces do. Still linear in ``f``. At
  ``f = 1`` a channel cell has no tissue part and no unknown (zero capacity, zero row).
- ``"interstitial_fluid"``: the open part is aqueous fluid (``fluid``), empty at the start,
  fed by the donor only through the channel mouth.

Boundaries: the top faces (and, for a formulation-filled channel, its walls and bottom) see the
donor (vehicle concentration, ``u_donor``); the bottom faces drain into a perfect sink
(``u = 0``); the axis and the rim of the unit cell carry no flux. A finite dose adds the donor
as one more, well-mixed unknown (index ``n_cells``).

Storage: cells are numbered row by row (``k * nr + j``), so a cell's neighbours are at
``+-1`` (radial) and ``+-nr`` (axial) and the operator is a symmetric band: its diagonal and
the two upper bands, each one value per cell (:meth:`Operator.bands`), plus, for a finite dose,
the donor's border. The solver factorises that band (:mod:`.banded`); ``matrix`` gives the
same operator as a sparse matrix for checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp

from microneedling.model.delivery.grid import FloatArray, Grid, IntArray
from microneedling.model.delivery.media import Layer, Medium

#: What fills the open part of a channel: the applied product, or aqueous tissue fluid.
ChannelContent = Literal["formulation", "interstitial_fluid"]
CHANNEL_CONTENTS: tuple[ChannelContent, ...] = ("formulation", "interstitial_fluid")


@dataclass(frozen=True)
class Operator:
    """The conductance operator ``L(f)``, capacities and boundary conductances, each split into
    closed + f * delta.

    Cell bands [cm³/h], one value per cell: ``diag_*`` (every conductance of the cell,
    including to the sink and the donor), ``radial_*`` (the entry between cell ``i - 1`` and
    ``i``, zero at a row's first cell) and ``axial_*`` (between ``i - nr`` and ``i``, zero in
    the first row). Capacities are V·K [cm³] (one more, the donor's volume, for a finite
    dose); ``top_*`` and ``bottom_*`` are the conductances [cm³/h] of the surface faces (one
    per column) and the sink faces; ``donor_*`` the conductance [cm³/h] of every cell to the
    donor (top faces plus, for a formulation-filled channel, its walls and bottom).
    ``filled_volume_cm3`` is the volume [cm³] of each cell that the formulation fills while
    its channel is fully open (zero unless ``content`` is ``"formulation"``).
    """

    grid: Grid
    diag_closed: FloatArray
    diag_delta: FloatArray
    radial_closed: FloatArray
    radial_delta: FloatArray
    axial_closed: FloatArray
    axial_delta: FloatArray
    capacity_closed: FloatArray
    capacity_delta: FloatArray
    top_closed: FloatArray
    top_delta: FloatArray
    bottom_closed: FloatArray
    bottom_delta: FloatArray
    donor_closed: FloatArray
    donor_delta: FloatArray
    filled_volume_cm3: FloatArray
    content: ChannelContent
    finite_donor: bool

    @property
    def size(self) -> int:
        return int(self.capacity_closed.size)

    def bands(self, open_fraction: float) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Diagonal, radial and axial bands of the cells at open fraction ``f``."""
        f = open_fraction
        return (
            self.diag_closed + f * self.diag_delta,
            self.radial_closed + f * self.radial_delta,
            self.axial_closed + f * self.axial_delta,
        )

    def apply(self, open_fraction: float, u: FloatArray) -> FloatArray:
        """``L(f) @ u`` [µg/h] for potentials ``u`` (cells, then the donor if finite)."""
        diag, radial, axial = self.bands(open_fraction)
        n_cells, nr = self.grid.size, self.grid.nr
        cells = u[:n_cells]
        out = np.zeros(self.size)
        y = out[:n_cells]
        np.multiply(diag, cells, out=y)
        y[1:] += radial[1:] * cells[:-1]
        y[:-1] += radial[1:] * cells[1:]
        y[nr:] += axial[nr:] * cells[:-nr]
        y[:-nr] += axial[nr:] * cells[nr:]
        if self.finite_donor:
            donor = self.donor(open_fraction)
            y -= donor * u[n_cells]
            out[n_cells] = float(donor.sum()) * u[n_cells] - float(np.dot(donor, cells))
        return out

    def matrix(self, open_fraction: float) -> sp.csc_matrix:
        """``L(f)`` as a sparse matrix (for checks; the solver uses the bands)."""
        diag, radial, axial = self.bands(open_fraction)
        n_cells, nr = self.grid.size, self.grid.nr
        bands = {0: diag, nr: axial[nr:], -nr: axial[nr:]}
        if nr > 1:  # one column has no radial faces
            bands.update({1: radial[1:], -1: radial[1:]})
        cells = sp.diags(list(bands.values()), list(bands), shape=(n_cells, n_cells))
        if not self.finite_donor:
            return sp.csc_matrix(cells)
        donor = self.donor(open_fraction)[:, None]
        corner = np.array([[float(donor.sum())]])
        return sp.csc_matrix(sp.bmat([[cells, -donor], [-donor.T, corner]]))

    def capacity(self, open_fraction: float) -> FloatArray:
        return self.capacity_closed + open_fraction * self.capacity_delta

    def top(self, open_fraction: float) -> FloatArray:
        return self.top_closed + open_fraction * self.top_delta

    def bottom(self, open_fraction: float) -> FloatArray:
        return self.bottom_closed + open_fraction * self.bottom_delta

    def donor(self, open_fraction: float) -> FloatArray:
        """Conductance [cm³/h] of every cell to the donor."""
        return self.donor_closed + open_fraction * self.donor_delta

    def sensitivity(self, open_fraction: float) -> float:
        """Largest relative change of a diagonal entry or capacity per unit change of f."""
        diag_c, diag_d = self.diag_closed, self.diag_delta
        if self.finite_donor:
            diag_c = np.append(diag_c, self.donor_closed.sum())
            diag_d = np.append(diag_d, self.donor_delta.sum())
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


@dataclass(frozen=True)
class _Faces:
    """Interior faces (cells a < b, the first ``n_radial`` between neighbours in a row, the rest
    between rows; area [cm²]; half-cell resistances [cm/(cm²/h)] on each side) and the top and
    bottom boundary conductances [cm³/h]."""

    a: IntArray
    b: IntArray
    n_radial: int
    area: FloatArray
    res_a: FloatArray
    res_b: FloatArray
    top: FloatArray
    bottom: FloatArray

    @property
    def conductance(self) -> FloatArray:
        return np.asarray(self.area / (self.res_a + self.res_b), dtype=np.float64)


def _faces(grid: Grid, perm: FloatArray) -> _Faces:
    """Interior face list and top/bottom conductances for cell permeances ``perm``."""
    nr, nz = grid.nr, grid.nz
    rf, zf = grid.r_faces_cm, grid.z_faces_cm
    rc, zc = grid.r_centres_cm, grid.z_centres_cm
    dz = np.diff(zf)
    index = np.arange(nz * nr).reshape(nz, nr)

    # Radial faces between columns j and j+1 of every row.
    r_face = rf[1:-1]
    area_r = 2.0 * np.pi * np.outer(dz, r_face)
    res_ra = (r_face - rc[:-1]) / perm[:, :-1]
    res_rb = (rc[1:] - r_face) / perm[:, 1:]

    # Axial faces between rows k and k+1 of every column.
    rings = grid.ring_areas_cm2
    z_face = zf[1:-1]
    area_z = np.broadcast_to(rings[None, :], (nz - 1, nr))
    res_za = (z_face - zc[:-1])[:, None] / perm[:-1, :]
    res_zb = (zc[1:] - z_face)[:, None] / perm[1:, :]

    return _Faces(
        a=np.concatenate((index[:, :-1].ravel(), index[:-1, :].ravel())),
        b=np.concatenate((index[:, 1:].ravel(), index[1:, :].ravel())),
        n_radial=nz * (nr - 1),
        area=np.concatenate((area_r.ravel(), area_z.ravel())),
        res_a=np.concatenate((res_ra.ravel(), res_za.ravel())),
        res_b=np.concatenate((res_rb.ravel(), res_zb.ravel())),
        top=rings / ((zc[0] - zf[0]) / perm[0, :]),
        bottom=rings / ((zf[-1] - zc[-1]) / perm[-1, :]),
    )


def _bands(
    faces: _Faces, t: FloatArray, diagonal_extra: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Diagonal, radial and axial bands of the cells for face conductances ``t`` [cm³/h], plus
    ``diagonal_extra`` (boundary conductances) on the diagonal."""
    n = diagonal_extra.size
    diag = diagonal_extra + np.bincount(faces.a, t, n) + np.bincount(faces.b, t, n)
    radial = np.zeros(n)
    axial = np.zeros(n)
    k = faces.n_radial
    radial[faces.b[:k]] = -t[:k]
    axial[faces.b[k:]] = -t[k:]
    return diag, radial, axial


def _filled_channel(
    grid: Grid, faces: _Faces, part: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """The fully open state (f = 1) of a formulation-filled channel.

    Returns the interior conductances (zero on every face that touches a channel cell: its
    tissue part does not exist yet), the top conductances (zero over the channel mouth: the
    donor there is the donor), the conductance of every cell to the donor (top faces plus the
    tissue side of the channel's walls and bottom, where the formulation sits), and the
    capacities (zero in the channel).
    """
    channel = grid.channel.ravel()
    in_a, in_b = channel[faces.a], channel[faces.b]
    t = np.where(in_a | in_b, 0.0, faces.conductance)
    donor = np.zeros(grid.size)
    # A wall or bottom face: the formulation at the donor potential on one side, so only the
    # tissue's half-cell resistance stands between the donor and the tissue cell.
    wall_a = in_b & ~in_a
    wall_b = in_a & ~in_b
    np.add.at(donor, faces.a[wall_a], faces.area[wall_a] / faces.res_a[wall_a])
    np.add.at(donor, faces.b[wall_b], faces.area[wall_b] / faces.res_b[wall_b])
    top = np.where(grid.channel[0, :], 0.0, faces.top)
    donor[: grid.nr] += top
    capacity = np.where(channel, 0.0, grid.volumes_cm3.ravel() * part.ravel())
    return t, top, donor, capacity


def assemble(
    grid: Grid,
    layers: Sequence[Layer],
    fluid: Medium | None,
    donor_volume_cm3: float | None,
    content: ChannelContent = "formulation",
) -> Operator:
    """Assemble the operator; ``donor_volume_cm3`` None means an infinite dose.

    ``fluid`` is the medium of the open channel for ``content="interstitial_fluid"``; with
    ``"formulation"`` the open channel is donor and ``fluid`` (then the vehicle, ``K = 1``)
    gives the volume the formulation fills. ``fluid`` None: no channels.
    """
    perm_c, part_c, perm_o, part_o = _cell_fields(grid, layers, fluid)
    volumes = grid.volumes_cm3.ravel()
    n_cells = grid.size
    finite = donor_volume_cm3 is not None
    n = n_cells + (1 if finite else 0)
    bottom_cells = np.arange(n_cells - grid.nr, n_cells)
    faces_c = _faces(grid, perm_c)
    donor_c = np.zeros(n_cells)
    donor_c[: grid.nr] = faces_c.top
    part_volume_c = volumes * part_c.ravel()
    if fluid is not None and content == "formulation":
        t_o, top_o, donor_o, part_volume_o = _filled_channel(grid, faces_c, part_c)
        bottom_o = faces_c.bottom
        filled_volume = np.where(grid.channel.ravel(), volumes * fluid.partition, 0.0)
    else:
        faces_o = _faces(grid, perm_o)
        t_o, top_o, bottom_o = faces_o.conductance, faces_o.top, faces_o.bottom
        donor_o = np.zeros(n_cells)
        donor_o[: grid.nr] = top_o
        part_volume_o = volumes * part_o.ravel()
        filled_volume = np.zeros(n_cells)

    def build(
        t: FloatArray, donor: FloatArray, part_volume: FloatArray, bottom: FloatArray
    ) -> tuple[tuple[FloatArray, FloatArray, FloatArray], FloatArray]:
        extra = donor.copy()
        extra[bottom_cells] += bottom
        capacity = np.zeros(n)
        capacity[:n_cells] = part_volume
        if finite:
            capacity[n_cells] = float(donor_volume_cm3 or 0.0)
        return _bands(faces_c, t, extra), capacity

    (d_c, r_c, a_c), cap_c = build(faces_c.conductance, donor_c, part_volume_c, faces_c.bottom)
    (d_o, r_o, a_o), cap_o = build(t_o, donor_o, part_volume_o, bottom_o)
    return Operator(
        grid=grid,
        diag_closed=d_c,
        diag_delta=d_o - d_c,
        radial_closed=r_c,
        radial_delta=r_o - r_c,
        axial_closed=a_c,
        axial_delta=a_o - a_c,
        capacity_closed=cap_c,
        capacity_delta=cap_o - cap_c,
        top_closed=faces_c.top,
        top_delta=top_o - faces_c.top,
        bottom_closed=faces_c.bottom,
        bottom_delta=bottom_o - faces_c.bottom,
        donor_closed=donor_c,
        donor_delta=donor_o - donor_c,
        filled_volume_cm3=filled_volume,
        content=content,
        finite_donor=finite,
    )
