"""The skin-response model's laws: what happens in the skin, one law per module, with sources.

Each module states one part of the model as plain functions of its parameters (NumPy arrays
broadcast over patients): :mod:`~.penetration` (how deep a needle reaches), :mod:`~.channels`
(the channels it leaves), :mod:`~.barrier` (the barrier's deficit and recovery),
:mod:`~.inflammation` (redness), :mod:`~.healing` (the healing cascade), :mod:`~.outcome` (the
concern's own scale) and :mod:`~.pigmentation` (the chance of PIH). The solver
(:mod:`microneedling.model.solver`) calls them; it does not restate them.
"""
