"""The use case 'screen, then plan': an intake read against the rules, and a plan if allowed.

The command line plans straight from a request (``microneedling plan``, ``absorb`` from a plan
request) and goes through here; the clinic plans from the screening it has recorded and calls
:func:`~microneedling.planning.plan.make_plan` with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from microneedling.errors import InvalidInput
from microneedling.knowledge import KnowledgeBase
from microneedling.planning.plan import make_plan
from microneedling.planning.request import PlanRequest
from microneedling.planning.treatment_plan import TreatmentPlan
from microneedling.screening import ScreeningPolicy, ScreeningResult, screen


class IntakeInvalid(InvalidInput):
    """The request's intake could not be screened; ``field`` is a path within the intake."""


@dataclass(frozen=True)
class ScreenedPlan:
    """The screening, and the plan when the screening allows treatment (else None)."""

    screening: ScreeningResult
    plan: TreatmentPlan | None


def screen_and_plan(
    request: PlanRequest, kb: KnowledgeBase, today: date, policy: ScreeningPolicy | None = None
) -> ScreenedPlan:
    """Screen ``request.intake`` under the clinic's ``policy``, then plan if it may be treated.

    Raises :class:`IntakeInvalid` for an intake screening cannot read, and
    :class:`~microneedling.errors.InvalidInput` (or ``RequestRefused``) naming the request field
    for a request the planning rules refuse.
    """
    try:
        screening = screen(request.intake, kb, today, policy)
    except InvalidInput as exc:
        raise IntakeInvalid(exc.field, exc.problem, exc.source) from None
    if not screening.may_treat:
        return ScreenedPlan(screening, None)
    return ScreenedPlan(screening, make_plan(request, screening, kb, today))
