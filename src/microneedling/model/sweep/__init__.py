"""Sweeps over course settings and patient mix, run on Dask (``microneedling sweep``)."""

from microneedling.model.sweep.output import read_results, write_results
from microneedling.model.sweep.run import SweepResult, run_sweep
from microneedling.model.sweep.spec import OUTPUTS, SETTINGS, SweepSpec

__all__ = [
    "OUTPUTS",
    "SETTINGS",
    "SweepResult",
    "SweepSpec",
    "read_results",
    "run_sweep",
    "write_results",
]
