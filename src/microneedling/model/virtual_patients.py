"""Virtual patients: the parameters of N patients drawn from their spreads, or given.

Every parameter of the course (the model's set plus the site's layer thicknesses) is drawn from
its spread; a :class:`PatientMix` of ages and sexes then scales the layers by the knowledge
base's published adjustments. A caller may pass its own parameter matrix (N x P) instead, which
is what a global sensitivity analysis needs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from microneedling.errors import InvalidInput
from microneedling.knowledge import KnowledgeBase, load_knowledge
from microneedling.model.course import Course
from microneedling.model.parameters import ParameterSet, check_values, full_parameter_set
from microneedling.model.solver.inputs import DERMIS, VIABLE_EPIDERMIS, course_parameters

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PatientMix:
    """Who is in the cohort: ages drawn uniformly in ``age_years`` [years], a share of women.

    Age and sex move the site's layer thicknesses by the knowledge base's published
    adjustments (e.g. Meng 2022: men's facial dermis is thicker).
    """

    age_years: tuple[float, float] = (25.0, 65.0)
    female_share: float = 0.5

    def __post_init__(self) -> None:
        low, high = self.age_years
        if not 16 <= low <= high <= 100:
            raise InvalidInput("patient_mix.age_years", "must be an interval within 16-100 years")
        if not 0 <= self.female_share <= 1:
            raise InvalidInput("patient_mix.female_share", "must be between 0 and 1")


def parameter_space(
    course: Course,
    knowledge: KnowledgeBase | None = None,
    parameters: ParameterSet | None = None,
) -> ParameterSet:
    """Every parameter a cohort of this course varies (the model's set plus the site layers)."""
    kb = knowledge or load_knowledge()
    _, pset = course_parameters(course, kb, parameters or full_parameter_set())
    return pset


def draw_parameters(space: ParameterSet, n: int, seed: int | None = 0) -> FloatArray:
    """An N x P matrix of draws, columns in the order of ``space``."""
    return np.column_stack(list(_draw_columns(space, n, seed, map)))


def _draw_columns(
    space: ParameterSet, n: int, seed: int | None, mapper: Callable[..., Iterator[FloatArray]]
) -> Iterator[FloatArray]:
    """Each parameter's N draws, in the order of ``space``: the uniforms in sequence from one
    generator, their inverse CDFs through ``mapper`` (e.g. a thread pool's ``map``)."""
    rng = np.random.default_rng(seed)
    spreads = space.values_list()
    uniforms = [rng.random(n) for _ in spreads]
    return mapper(lambda p, u: p.spread.from_unit(p.value, u), spreads, uniforms)


def _apply_mix(
    course: Course,
    kb: KnowledgeBase,
    columns: dict[str, FloatArray],
    mix: PatientMix,
    rng: np.random.Generator,
) -> None:
    """Scale the drawn layers by each drawn person's published sex and age adjustments."""
    site = kb.sites.require(course.site, "sessions.0.site")
    n = columns[DERMIS].shape[0]
    ages: FloatArray = np.asarray(rng.uniform(*mix.age_years, size=n), dtype=np.float64)
    female: NDArray[np.bool_] = np.asarray(rng.random(n) < mix.female_share)
    base = site.dermis_um(course.patient.sex, course.patient.age_years)
    factor = site.dermis_um_of(female, ages) / base
    columns[DERMIS] = columns[DERMIS] * factor
    epi_male = site.adjustments.epidermis_factor_male
    if epi_male and course.patient.sex != "male":
        columns[VIABLE_EPIDERMIS] = np.where(
            female, columns[VIABLE_EPIDERMIS], columns[VIABLE_EPIDERMIS] * epi_male
        )


def parameter_columns(
    course: Course,
    kb: KnowledgeBase,
    space: ParameterSet,
    n: int,
    seed: int | None,
    parameter_matrix: FloatArray | None,
    parameter_names: Sequence[str] | None,
    patient_mix: PatientMix | None,
    pool: ThreadPoolExecutor,
) -> dict[str, FloatArray]:
    """Each parameter's value for every patient: the caller's matrix, or draws (on the pool)."""
    names = list(space)
    if parameter_matrix is not None:
        matrix = np.asarray(parameter_matrix, dtype=np.float64)
        given = list(parameter_names) if parameter_names is not None else names
        if matrix.ndim != 2 or matrix.shape[1] != len(given):
            raise InvalidInput("parameter_matrix", f"must have shape (N, {len(given)})")
        unknown = sorted(set(given) - set(names))
        if unknown:
            raise InvalidInput("parameter_names", f"unknown parameter(s): {', '.join(unknown)}")
        n = matrix.shape[0]
        columns = {name: np.full(n, space[name].value) for name in names}
        columns.update({name: matrix[:, j].copy() for j, name in enumerate(given)})
    else:
        if n < 1:
            raise InvalidInput("n", "a cohort needs at least one patient")
        columns = dict(zip(names, _draw_columns(space, n, seed, pool.map), strict=True))
        if patient_mix is not None:
            _apply_mix(course, kb, columns, patient_mix, np.random.default_rng(seed))
            # The adjustments scale draws of a truncated spread; a draw scaled past the
            # truncation (the thinnest skin the knowledge base allows) is held at it.
            for name in (DERMIS, VIABLE_EPIDERMIS):
                spread = space[name].spread
                low = -np.inf if spread.low is None else spread.low
                high = np.inf if spread.high is None else spread.high
                np.clip(columns[name], low, high, out=columns[name])
    try:
        check_values(space, columns)
    except ValueError as exc:
        raise InvalidInput("parameter_matrix", str(exc)) from None
    return columns
