"""Daily outputs of N patients, block by block, written in place.

Blocks are cut at session days, so within a piece no pulse arrives and each mode is its
amplitude at the piece's start times a table of ``exp(-rate * m)``; a state is a weighted sum of
its chain's modes (one ``einsum`` per state), and the amplitudes are carried to the next piece by
one multiplication. Every read-out is written with ``out=`` into the caller's arrays (or fresh
ones), so a block costs a few passes over (days x patients) and allocates nothing per block.
Fast processes with a rate per session (channel closure, barrier, flare) are summed per session
inside the window where they are above 2**-40 of their start; outside it they are zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from microneedling.model.laws import outcome
from microneedling.model.laws.healing import CHAINS, STATES
from microneedling.model.laws.inflammation import redness_grade
from microneedling.model.solver.inputs import PatientArrays
from microneedling.model.solver.modes import Modes, SlowRows, powers

FloatArray = NDArray[np.float64]

#: Half-lives after which a fast per-session term is dropped (2**-40 of its start).
WINDOW_HALF_LIVES = 40.0
_READOUT_STATES = ("collagen_new", "collagen_i", "elastin", "epidermis")

#: Daily outputs, in the order results and bands list them.
DAILY_OUTPUTS = (
    "open_channel_fraction",
    "open_channels_per_cm2",
    "barrier_deficit_pct",
    "redness_grade",
    "collagen_pct",
    "elastin_pct",
    "epidermis_change_pct",
    "improvement_fraction",
)

_Combo = tuple[int, FloatArray, tuple[tuple[int, FloatArray], ...]]


@dataclass
class DailyBlock:
    """Daily outputs for days ``first_day .. first_day + len - 1``; arrays of shape (B, N)."""

    first_day: int
    states: dict[str, FloatArray]
    outputs: dict[str, FloatArray]


class DailySolver:
    """Evaluates N patients day by day, ``block_days`` at a time, carrying the modes.

    With ``all_states=False`` only the combinations the read-outs need are formed (new collagen,
    collagen I, elastin, epidermis), which is what cohorts use. Blocks must be asked for in
    order, either through :meth:`blocks` (fresh arrays per block) or :meth:`fill` (the caller's
    arrays, e.g. views into a larger buffer).
    """

    def __init__(
        self, arrays: PatientArrays, block_days: int = 32, all_states: bool = True
    ) -> None:
        self.arrays = arrays
        self.block_days = block_days
        n = arrays.size
        modes = Modes.of(arrays)
        self.modes = modes
        self.rates = modes.rates
        self.slow_rows = modes.slow_rows
        # Entry block_days carries a whole block's amplitudes on to the next block.
        self.decay = powers(self.rates, block_days + 1)
        coef = [modes.weights[k] * modes.gains[k][None, :] for k in range(len(STATES))]
        new = coef[4].copy()
        new[:4] += coef[3]
        named = {name: (CHAINS[k], coef[k]) for k, name in enumerate(STATES)}
        named["collagen_new"] = (CHAINS[4], new)
        wanted = (*STATES, "collagen_new") if all_states else _READOUT_STATES
        # A chain is a leading run of modes 0..r-1 (one einsum over a view of the table) plus
        # at most one further mode (elastin, epidermis), added separately.
        self._combos: dict[str, _Combo] = {}
        for name in wanted:
            chain, c = named[name]
            run = 0
            while run < len(chain) and chain[run] == run:
                run += 1
            extra = tuple((chain[i], c[i]) for i in range(run, len(chain)))
            self._combos[name] = (run, c[:run], extra)
        self._carry = np.zeros((7, n))
        self._carry_v = np.zeros(n)
        self._day = 0
        self._coef = np.empty((7, n))
        self._states = {name: np.empty((block_days, n)) for name in self._combos}
        self._tmp = np.empty((block_days, n))
        self._tmp2 = np.empty((block_days, n))
        self._vascular = np.empty((block_days, n))
        self._flare = np.empty((block_days, n))
        self._baseline_decay = powers(arrays.age_loss_per_day[None, :], block_days)[0]
        self._slow = SlowRows(arrays, self.slow_rows) if self.slow_rows.size else None
        s = arrays.sessions
        self._session_days = s.days.tolist()
        self._session_at = {d: i for i, d in enumerate(self._session_days)}
        per_hour = math.log(2.0) * 24.0
        flare = np.broadcast_to(arrays.flare_rate_per_day, s.closure_half_h.shape)
        share = arrays.barrier_channel_share[None, :]
        # The barrier deficit's two parts (barrier.barrier_deficit_pct): the fast reseal and
        # the share that closes with the channels.
        self._fast = (
            ("open", per_hour / s.closure_half_h, s.density_per_cm2),
            ("barrier", per_hour / s.barrier_half_h, (1.0 - share) * 100.0 * s.area_fraction),
            ("barrier_channels", per_hour / s.closure_half_h, share * 100.0 * s.area_fraction),
            ("flare", flare, arrays.flare_gain[None, :] * s.flare_um),
        )
        #: After each fill, for the fast outputs: the block's rows (days) where some patient
        #: may be non-zero; every other row of that output is exactly zero.
        self.live_rows: dict[str, NDArray[np.bool_]] = {}
        #: Whether rows of the fast outputs that no session reaches are written (as zeros);
        #: a caller that reads only ``live_rows`` may switch it off.
        self.zero_dead_rows = True
        # Days per session after which a fast term is below 2**-40 of its start.
        self.windows = {
            kind: np.ceil(WINDOW_HALF_LIVES * math.log(2.0) / r.min(axis=1)).astype(np.int64)
            for kind, r, _ in self._fast
        }

    def blocks(self, horizon_days: int) -> Iterator[DailyBlock]:
        """Blocks covering days 0..horizon_days (inclusive), in order, in fresh arrays."""
        n = self.arrays.size
        first = self._day
        total = horizon_days + 1
        while first < total:
            length = min(self.block_days, total - first)
            outputs = {k: np.empty((length, n)) for k in DAILY_OUTPUTS}
            states = self.fill(first, length, outputs)
            yield DailyBlock(first, {k: v.copy() for k, v in states.items()}, outputs)
            first += length

    def fill(
        self, first: int, length: int, outputs: dict[str, FloatArray]
    ) -> dict[str, FloatArray]:
        """Write days first..first+length-1 of the daily outputs into ``outputs`` (arrays of
        shape (length, N), views allowed; every one of :data:`DAILY_OUTPUTS`, or those of
        them a caller reads, the fast ones all or none); return the states (scratch, valid
        until the next call). Blocks must follow each other."""
        if first != self._day or not 0 < length <= self.block_days:
            raise ValueError(f"next block starts on day {self._day} and is 1..{self.block_days}")
        fast = [k in outputs for k in _FAST_OUTPUTS]
        if any(fast) and not all(fast):
            raise ValueError(f"the fast outputs are written together: {', '.join(_FAST_OUTPUTS)}")
        # Only the states the asked outputs are read from (a sweep reads one or two).
        read = {state for k in outputs for state in _STATES_READ[k]}
        states = {
            k: v[:length] for k, v in self._states.items() if k in read or k not in _READOUT_STATES
        }
        vascular = self._vascular[:length]
        cuts = [first, *(d for d in self._session_days if first < d < first + length)]
        for start, stop in zip(cuts, [*cuts[1:], first + length], strict=True):
            self._piece(start - first, stop - start, self._session_at.get(start), states, vascular)
        if self._slow is not None:
            for j, series in self._slow.block(first, length).items():
                for name, x in states.items():
                    x[:, j] = series[:, _SLOW_COLUMNS[name]]
        self._readouts(first, length, states, vascular, outputs)
        self._day = first + length
        return states

    def skip(self, first: int, length: int) -> None:
        """Carry the modes over days first..first+length-1 without writing any output: the
        same multiplications as :meth:`fill`, so later blocks are bit for bit what they would
        be had this one been filled (a sweep reads a few days of a long course)."""
        if first != self._day or not 0 < length <= self.block_days:
            raise ValueError(f"next block starts on day {self._day} and is 1..{self.block_days}")
        s = self.arrays.sessions
        carry, carry_v = self._carry, self._carry_v
        cuts = [first, *(d for d in self._session_days if first < d < first + length)]
        for start, stop in zip(cuts, [*cuts[1:], first + length], strict=True):
            session = self._session_at.get(start)
            if session is not None:
                carry += s.kick[session]
                carry_v += s.vascular_um[session]
            carry *= self.decay[:, stop - start]
            carry_v *= self.decay[0, stop - start]
        if self._slow is not None:
            self._slow.block(first, length)
        self._day = first + length

    def _piece(
        self,
        offset: int,
        length: int,
        session: int | None,
        states: dict[str, FloatArray],
        vascular: FloatArray,
    ) -> None:
        """States and vascular drive on a run of days without a pulse after its first day."""
        s = self.arrays.sessions
        carry, carry_v = self._carry, self._carry_v
        if session is not None:
            carry += s.kick[session]
            carry_v += s.vascular_um[session]
        decay = self.decay[:, :length]
        rows = slice(offset, offset + length)
        for name, x in states.items():
            run, c_run, extra = self._combos[name]
            out = x[rows]
            coef = np.multiply(c_run, carry[:run], out=self._coef[:run])
            if run == 1:
                np.multiply(decay[0], coef[0], out=out)
            else:
                np.einsum("kbn,kn->bn", decay[:run], coef, out=out)
            for mode, c in extra:
                term = np.multiply(decay[mode], c * carry[mode], out=self._tmp[:length])
                out += term
            # The system is positive (a Metzler matrix driven by positive pulses), so a
            # negative value is cancellation noise of order 1e-16 where a state starts at 0.
            np.maximum(out, 0.0, out=out)
        np.multiply(decay[0], carry_v, out=vascular[rows])
        carry *= self.decay[:, length]
        carry_v *= self.decay[0, length]

    def _fast_terms(self, first: int, length: int, outputs: dict[str, FloatArray]) -> bool:
        """Open channels [1/cm²], barrier deficit [%], the open share of the latest session's
        channels [0-1] (into ``outputs``) and the flare drive [-] (into the scratch buffer);
        returns whether any flare is left in the block."""
        totals = {
            "open": outputs["open_channels_per_cm2"],
            "barrier": outputs["barrier_deficit_pct"],
            "barrier_channels": outputs["barrier_deficit_pct"],
            "flare": self._flare[:length],
        }
        latest = outputs["open_channel_fraction"]
        live = {kind: np.zeros(length, dtype=np.bool_) for kind in totals}
        # Per session begun before the block ends: its first row in the block, and each fast
        # term still above its cut-off here as (kind, rates, amplitudes, days since, rows).
        sessions: list[tuple[int, list[tuple[str, FloatArray, FloatArray, int, int]]]] = []
        for idx, day in enumerate(self._session_days):
            if day >= first + length:
                break
            offset, lag = max(day - first, 0), max(first - day, 0)
            terms = []
            for kind, rates, amplitude in self._fast:
                rows = min(length - offset, int(self.windows[kind][idx]) - lag + 1)
                if rows > 0:
                    terms.append((kind, rates[idx], amplitude[idx], lag, rows))
                    live[kind][offset : offset + rows] = True
            sessions.append((offset, terms))
        # Rows no term reaches are zero; they are written only if a caller may read them.
        live["barrier"] |= live["barrier_channels"]
        for kind, total in totals.items():
            if kind == "barrier_channels":  # the barrier's own array, zeroed with it
                continue
            if self.zero_dead_rows or kind == "flare":
                total.fill(0.0)
            else:
                total[live[kind]] = 0.0
        if self.zero_dead_rows:
            latest.fill(0.0)
        else:
            latest[live["open"]] = 0.0
        written = 0  # rows of ``latest`` below this may hold an earlier session's share
        for offset, terms in sessions:
            # A session's share replaces the earlier sessions' from its day on.
            if written > offset:
                latest[offset:written] = 0.0
            for kind, rates, amplitude, lag, rows in terms:
                since = np.arange(lag, lag + rows, dtype=np.float64)
                term = np.multiply.outer(since, -rates, out=self._tmp[:rows])
                np.exp(term, out=term)
                if kind == "open":
                    latest[offset : offset + rows] = term
                    written = max(written, offset + rows)
                term *= amplitude
                totals[kind][offset : offset + rows] += term
        self.live_rows = {
            "open_channel_fraction": live["open"],
            "open_channels_per_cm2": live["open"],
            "barrier_deficit_pct": live["barrier"],
        }
        return bool(live["flare"].any())

    def _readouts(
        self,
        first: int,
        length: int,
        states: dict[str, FloatArray],
        vascular: FloatArray,
        out: dict[str, FloatArray],
    ) -> None:
        a = self.arrays
        tmp = self._tmp2[:length]
        # Each output is written once (the caller's arrays may be far from cache): the
        # arithmetic before it runs in block-sized scratch. Outputs not asked for are skipped;
        # the others are the same operations in the same order either way.
        if "collagen_pct" in out or "collagen_i" in states:
            # Age-related loss of the baseline since the first session.
            start = np.exp(-a.age_loss_per_day * first)
            baseline = np.multiply(self._baseline_decay[:length], start, out=self._tmp[:length])
        if "collagen_pct" in out:
            np.add(baseline, states["collagen_new"], out=tmp)
            np.multiply(tmp, 100.0, out=out["collagen_pct"])
        if "collagen_i" in states:
            # The net gain G = new collagen I - age loss, read out by the outcome laws in place:
            # the filled share of the deficit, the improvement and the epidermal change.
            np.subtract(1.0, baseline, out=tmp)
            gain = np.subtract(states["collagen_i"], tmp, out=tmp)
            filled = outcome.filled_share(gain, a.half_saturation, out=gain)
            if "improvement_fraction" in out:
                outcome.share_of_possible(
                    filled, a.response_factor, out=out["improvement_fraction"]
                )
        if "epidermis_change_pct" in out:
            outcome.epidermal_change_pct(
                states["epidermis"], filled, a.epidermal_support, a.epidermal_max,
                out=out["epidermis_change_pct"], scratch=(baseline, filled),
            )  # fmt: skip
        if "elastin_pct" in out:
            np.add(states["elastin"], 1.0, out=tmp)
            np.multiply(tmp, 100.0, out=out["elastin_pct"])
        if "redness_grade" in out:
            flare = self._fast_terms(first, length, out)
            x = np.multiply(vascular, a.vascular_gain, out=vascular)
            if flare:
                x += self._flare[:length]
            redness_grade(x, out["redness_grade"])
        else:
            self.live_rows = {}


_SLOW_COLUMNS = {name: i for i, name in enumerate((*STATES, "collagen_new"))}
#: Outputs computed from the channel, barrier and flare terms, which are formed together.
_FAST_OUTPUTS = (
    "open_channel_fraction",
    "open_channels_per_cm2",
    "barrier_deficit_pct",
    "redness_grade",
)
#: The cascade states each daily output is read from.
_STATES_READ: dict[str, tuple[str, ...]] = {
    "open_channel_fraction": (),
    "open_channels_per_cm2": (),
    "barrier_deficit_pct": (),
    "redness_grade": (),
    "collagen_pct": ("collagen_new",),
    "elastin_pct": ("elastin",),
    "epidermis_change_pct": ("collagen_i", "epidermis"),
    "improvement_fraction": ("collagen_i",),
}
