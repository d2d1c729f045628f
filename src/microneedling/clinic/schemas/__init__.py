"""Request and response schemas, one module per bounded context, apart from the services.

A service module (``clinic/services/<context>.py``) holds the rules and re-exports the schemas
it takes and returns, so ``from microneedling.clinic.services.plans import PlanIn`` keeps
working; new code may import from here directly.
"""
