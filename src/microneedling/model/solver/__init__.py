"""The skin-response model's solver: the laws of :mod:`microneedling.model.laws`, run over time
for N patients at once.

The contract, which every module of this package keeps and its tests hold:

1. **What it takes.** A :class:`~microneedling.model.course.Course` and, per patient, a value
   of every parameter it varies (``course_parameters`` names them; a mapping of name to an
   array of N values, in the parameter's own unit). ``patient_arrays`` (:mod:`.inputs`) turns
   them into :class:`~.inputs.PatientArrays`: per-session arrays of shape (S, N) (depth [µm],
   punctures [1/cm²], punctured area share [0-1], closure and barrier half-times [h], pulses
   into the healing cascade [-]) and per-patient rates [1/day] and gains. Values outside a
   parameter's spread are refused before anything is solved (``InvalidInput``, naming it).
2. **Time.** Day 0 is the first session; days are whole days to the course's horizon
   (inclusive). Sessions fall on whole days. The hourly windows are 0..72 h after each
   session (:data:`.engine.HOURS_AFTER_SESSION`), one row per hour.
3. **What it gives.** Daily: :data:`.daily.DAILY_OUTPUTS`, each of shape (days, N), in the
   units of docs/model.md (open share of the latest session's channels [0-1], open channels
   [1/cm²], barrier deficit [% of the surface], redness grade [0-3], collagen and elastin
   [% of baseline], epidermal change [%], improvement [0-1]). Hourly:
   :data:`.engine.HOURLY_OUTPUTS`, (73, N) per session. Per session: downtime [days of visible
   redness], shape (S, N). For a cohort (:mod:`.scheduler`): the 5/50/95 % bands of each, and
   of the per-session figures and milestones.
4. **Exact, not stepped.** Between sessions the cascade is linear with constant coefficients,
   so each state is a sum of ``weight * exp(-rate * days)`` over sessions and modes
   (:mod:`.modes`), evaluated in closed form; patients whose rates on a chain nearly coincide
   are solved with the matrix exponential. There is no step size and no tolerance to choose:
   the results agree with ``solve_ivp`` (DOP853, rtol 1e-12) to a relative 1e-6 or better
   (``benchmarks/model_bench.py``, ``tests/unit/model/test_model_exact_solution.py``).
5. **The laws are called, not restated.** Read-outs go through the law functions, in place
   where a block is large: :func:`~microneedling.model.laws.inflammation.redness_grade`, the
   outcome laws (:func:`~microneedling.model.laws.outcome.filled_share`,
   :func:`~microneedling.model.laws.outcome.share_of_possible`,
   :func:`~microneedling.model.laws.outcome.epidermal_change_pct`,
   :func:`~microneedling.model.laws.outcome.has_faded`) and, in the hourly windows, the
   barrier laws. One exception: the daily sums of open channels and barrier deficit
   (:meth:`.daily.DailySolver._fast_terms`) write ``barrier.open_fraction`` in its rate form
   ``exp(-ln 2 * 24 / T * days)``, summed session by session within each term's window.
6. **Blocks, in order, in place.** :class:`.daily.DailySolver` gives days block by block; a
   block must follow the previous one (else ``ValueError``). ``fill`` writes into the caller's
   arrays (views allowed) and allocates nothing per block. With ``all_states=False`` only the
   states the read-outs need are formed.
7. **Zeros are exact.** A fast term (channel closure, barrier, flare) is dropped
   :data:`.daily.WINDOW_HALF_LIVES` half-lives after its session (below 2**-40 of its start);
   rows of the fast outputs outside ``live_rows`` are exactly zero. States are never negative
   (cancellation noise below zero is clipped).
8. **Patients are independent.** No patient's values depend on the others solved with it, so
   a cohort may be cut into chunks and threads at will; a cohort's bands equal
   ``numpy.percentile(..., method="linear")`` of the patients' own values.
9. **Deterministic.** The same course, parameter values (or draws and seed) give the same
   numbers, bit for bit, from run to run.
"""
