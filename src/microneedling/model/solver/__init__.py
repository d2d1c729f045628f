"""The skin-response model's solver: from a course and its parameters to daily and hourly
outputs, for one patient or a cohort, calling the laws in :mod:`microneedling.model.laws`.
"""
