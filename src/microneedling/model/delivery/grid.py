"""The finite-volume grid of the axisymmetric unit cell (r outward from the channel axis,
z downward from the skin surface).

Every layer interface and the channel bottom and wall are cell faces, so no cell mixes two
media. Inside each block the cells follow a smooth exponential map of a uniform parameter,
clustered towards the channel wall and tip where the gradients are steepest. Refining by two
halves that parameter's step, so a coarse grid's faces are a subset of the fine grid's: the
grids nest, which keeps Richardson error estimates clean.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from microneedling.model.delivery.geometry import UnitCell

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_UM_TO_CM = 1.0e-4
_STRATUM_CORNEUM_BASE_CELLS = 4
#: Power of the grading towards singular edges (channel wall, tip, mouth).
_GRADING_POWER = 3.0
#: Radius of the single radial cell used for skin without channels: 1 cm² of area.
_INTACT_RADIUS_CM = 1.0 / math.sqrt(math.pi)


def _block_faces(
    start: float, end: float, cells: int, stretch: float = 1.0, cluster: str = "none"
) -> FloatArray:
    """``cells + 1`` faces from ``start`` to ``end``.

    ``cluster`` grades the cells as a power of the uniform parameter towards the block's
    ``"start"``, ``"end"`` or ``"both"`` ends, where a channel wall, tip or mouth makes the
    solution singular; ``stretch`` then lets the spacing grow about that many times along the
    block (for long blocks that reach far from the channel).
    """
    xi = np.linspace(0.0, 1.0, cells + 1)
    p = _GRADING_POWER
    if cluster == "start":
        xi = xi**p
    elif cluster == "end":
        xi = 1.0 - (1.0 - xi) ** p
    elif cluster == "both":
        xi = xi**p / (xi**p + (1.0 - xi) ** p)
    if abs(stretch - 1.0) > 1e-12:
        xi = np.expm1(xi * math.log(stretch)) / (stretch - 1.0)
    return start + (end - start) * xi


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _join(blocks: Sequence[FloatArray]) -> FloatArray:
    faces = [blocks[0]] + [block[1:] for block in blocks[1:]]
    return np.concatenate(faces)


@dataclass(frozen=True)
class Grid:
    """Faces in r and z [cm], the medium of every cell, and the channel mask.

    Cell (k, j) is the k-th from the surface and j-th from the axis; flat index ``k*nr + j``.
    ``layer_of_row[k]`` indexes the laminate's layers; ``channel[k, j]`` marks channel cells.
    """

    r_faces_cm: FloatArray
    z_faces_cm: FloatArray
    layer_of_row: IntArray
    channel: BoolArray

    @property
    def nr(self) -> int:
        return int(self.r_faces_cm.size - 1)

    @property
    def nz(self) -> int:
        return int(self.z_faces_cm.size - 1)

    @property
    def size(self) -> int:
        return self.nr * self.nz

    @property
    def r_centres_cm(self) -> FloatArray:
        return 0.5 * (self.r_faces_cm[1:] + self.r_faces_cm[:-1])

    @property
    def z_centres_cm(self) -> FloatArray:
        return 0.5 * (self.z_faces_cm[1:] + self.z_faces_cm[:-1])

    @property
    def ring_areas_cm2(self) -> FloatArray:
        """Area [cm²] of each annulus (the top/bottom face of a cell column)."""
        return np.asarray(math.pi * np.diff(self.r_faces_cm**2), dtype=np.float64)

    @property
    def volumes_cm3(self) -> FloatArray:
        """Cell volumes [cm³], shape (nz, nr)."""
        return np.outer(np.diff(self.z_faces_cm), self.ring_areas_cm2)

    @property
    def area_cm2(self) -> float:
        return float(math.pi * self.r_faces_cm[-1] ** 2)


def build_grid(
    layer_thicknesses_um: Sequence[float], cell: UnitCell | None, resolution: int
) -> Grid:
    """The grid for a laminate of ``layer_thicknesses_um`` (top first) around ``cell``.

    ``cell`` None gives one radial cell: the laminate without channels (a 1-D problem).
    """
    tops = np.concatenate(([0.0], np.cumsum(layer_thicknesses_um)))
    breaks = [float(x) for x in tops]
    depth_um = cell.channel_depth_um if cell is not None else None
    if depth_um is not None and min(abs(depth_um - b) for b in breaks) > 1e-9:
        breaks = sorted([*breaks, depth_um])
    wall_um = cell.channel_radius_um if cell is not None else 25.0

    z_blocks: list[FloatArray] = []
    for start, end in itertools.pairwise(breaks):
        length = end - start
        at_tip = depth_um is not None and abs(start - depth_um) < 1e-9
        ends_at_tip = depth_um is not None and abs(end - depth_um) < 1e-9
        if start == 0.0:
            sc_cluster = "end" if cell is not None else "none"
            z_blocks.append(
                _block_faces(start, end, _STRATUM_CORNEUM_BASE_CELLS * resolution, 1.0, sc_cluster)
            )
            continue
        if at_tip:
            # Below the channel tip: graded at the tip, then growing away from it.
            cells = int(_clamp(math.ceil(2.5 * math.log1p(length / 25.0)) + 3, 4, 16))
            stretch = _clamp(length / (4.0 * max(wall_um, 25.0)), 1.0, 20.0)
        else:
            cells = int(_clamp(math.ceil(length / 10.0), 4, 30))
            stretch = 1.0
        graded_start = cell is not None
        cluster = {
            (True, True): "both",
            (True, False): "start",
            (False, True): "end",
            (False, False): "none",
        }[(graded_start, ends_at_tip)]
        z_blocks.append(_block_faces(start, end, cells * resolution, stretch, cluster))
    z_faces_um = _join(z_blocks)

    if cell is None:
        r_faces_cm = np.array([0.0, _INTACT_RADIUS_CM])
    else:
        a, big_r = cell.channel_radius_um, cell.radius_um
        outer = big_r - a
        cells_out = int(_clamp(math.ceil(2.5 * math.log1p(outer / a)) + 4, 6, 16))
        stretch_out = _clamp(outer / a, 1.0, 30.0)
        r_faces_um = _join(
            [
                _block_faces(0.0, a, 3 * resolution, cluster="end"),
                _block_faces(a, big_r, cells_out * resolution, stretch_out, "start"),
            ]
        )
        r_faces_cm = r_faces_um * _UM_TO_CM

    z_faces_cm = z_faces_um * _UM_TO_CM
    z_centres_um = 0.5 * (z_faces_um[1:] + z_faces_um[:-1])
    layer_of_row = np.searchsorted(tops[1:-1], z_centres_um, side="right").astype(np.int64)
    if cell is None:
        channel = np.zeros((z_centres_um.size, 1), dtype=np.bool_)
    else:
        r_centres_um = 0.5 * (r_faces_cm[1:] + r_faces_cm[:-1]) / _UM_TO_CM
        channel = np.logical_and.outer(
            z_centres_um < cell.channel_depth_um, r_centres_um < cell.channel_radius_um
        )
    return Grid(r_faces_cm, z_faces_cm, layer_of_row, channel)
