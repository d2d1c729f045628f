"""Post-inflammatory hyperpigmentation (PIH): the chance a course leaves it, by skin type.

PIH follows the inflammation of each session, and darker skin (Fitzpatrick IV-VI) is the
group the trials report it in: 5 of 30 patients of types IV-V after five roller sessions for
acne scars (PMID 25196684). Each session is taken as an independent chance ``p``, so a course
of ``n`` sessions leaves PIH with chance ``1 - (1 - p)**n`` (an assumption: no trial reported
PIH session by session). No figure for types I-III was read that could be compared (one
striae trial on the body reported 7 of 32 in types II-III, Arch Dermatol Res 2023, another
none in 60 patients of all types, Fabbrocini 2014), so for those types the model gives no
figure rather than a guess.
"""

from __future__ import annotations

PIH_PER_SESSION = "PIH chance per session, Fitzpatrick IV-VI [-]"

#: Fitzpatrick types the PIH figure was measured in.
PIH_TYPES = frozenset({4, 5, 6})


def course_pih_chance(
    per_session: float, sessions: int, fitzpatrick_type: int | None
) -> float | None:
    """Chance [0-1] that a course of ``sessions`` leaves PIH; None where no source gives a
    figure for the skin type (types I-III, or the type not recorded)."""
    if fitzpatrick_type not in PIH_TYPES:
        return None
    return 1.0 - (1.0 - per_session) ** sessions
