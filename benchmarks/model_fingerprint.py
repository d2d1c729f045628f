"""A fixed-seed fingerprint of the model's numbers: ``python -m benchmarks.model_fingerprint``.

Runs two courses (a pen and a roller course) through ``simulate_course``, ``simulate_cohort``
(with and without a patient mix), a sweep's per-patient outcomes and the delivery model (the
course's channels, caffeine for 6 h), and prints one SHA-256 over every number they give (the
delivery result through its ``repr``). Run it on two checkouts (``PYTHONPATH=<tree>/src``): a
change meant to move code without changing behaviour gives the same digest. It takes about
half a minute.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path

import numpy as np

from microneedling.model import Course, PatientMix, simulate_cohort, simulate_course
from microneedling.model.delivery import channels_from_course, load_compound, simulate_delivery
from microneedling.model.sweep.outcomes import patient_outcomes

CAFFEINE = Path(__file__).resolve().parents[1] / "examples" / "compounds" / "caffeine.yaml"


def flatten(prefix: str, value: object, into: dict[str, np.ndarray]) -> None:
    """Every number in ``value`` (nested dicts, lists, arrays), keyed by its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(f"{prefix}.{key}", item, into)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            flatten(f"{prefix}[{i}]", item, into)
    elif isinstance(value, np.ndarray):
        into[prefix] = value
    elif value is None or isinstance(value, int | float | bool):
        into[prefix] = np.array(np.nan if value is None else value, dtype=float)
    else:
        into[prefix] = np.frombuffer(str(value).encode(), dtype=np.uint8)


def fingerprint() -> tuple[int, str]:
    """How many arrays were read, and the digest over all of them."""
    courses = {
        "pen": Course.repeated(
            dt.date(2026, 1, 5), "pen", 1.0, 3, 4, 28, age_years=45, sex="female",
            horizon_days=365,
        ),
        "roller": Course.repeated(
            dt.date(2026, 2, 2), "roller", 0.5, 2, 3, 42, age_years=62, sex="male",
            horizon_days=200,
        ),
    }  # fmt: skip
    numbers: dict[str, np.ndarray] = {}
    caffeine = load_compound(CAFFEINE)
    for name, course in courses.items():
        flatten(f"course.{name}", simulate_course(course).to_dict(), numbers)
        cohort = simulate_cohort(course, n=3000, seed=7, workers=2)
        flatten(f"cohort.{name}", cohort.to_dict(), numbers)
        mixed = simulate_cohort(
            course, n=2000, seed=3, workers=1, hourly=False, patient_mix=PatientMix((30, 60), 0.5)
        )
        flatten(f"cohort_mix.{name}", mixed.to_dict(), numbers)
        sweep = patient_outcomes(
            course, 500, seed=11, read_days_after_last=[7, 90],
            outputs=["collagen_pct", "epidermis_change_pct"],
        )  # fmt: skip
        flatten(f"sweep.{name}", sweep, numbers)
        channels = channels_from_course(course)
        flatten(f"channels.{name}", repr(channels), numbers)
        delivery = simulate_delivery(
            caffeine, channels.channels, skin=channels.skin, closure=channels.closure,
            duration_h=6.0, profile_times_h=(1.0, 6.0),
        )  # fmt: skip
        flatten(f"delivery.{name}", repr(delivery), numbers)
    digest = hashlib.sha256()
    for key in sorted(numbers):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(numbers[key]).tobytes())
    return len(numbers), digest.hexdigest()


def main() -> int:
    count, digest = fingerprint()
    print(f"{count} arrays, sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
