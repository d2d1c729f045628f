"""Before/after pairs, as a property over any sequence of photos: one pair per area and view,
both photos of that area and view, the baseline the first photo before treatment of them and
the after photo the latest later one; every view has a name."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

from hypothesis import given
from hypothesis import strategies as st

from microneedling.clinic.photo_pairs import framing, photo_pairs
from microneedling.clinic.photo_views import NOT_RECORDED, VIEW_NAMES, PhotoView, view_name
from microneedling.clinic.services.outcomes import PhotoOut
from microneedling.knowledge import load_knowledge

KB = load_knowledge()
SITES = [None, "cheeks", "forehead"]
VIEWS: list[str | None] = [None, *get_args(PhotoView)]


def _photo(i: int, stage: str, site: str | None, view: str | None) -> PhotoOut:
    return PhotoOut.model_validate({
        "id": i, "patient_id": 1, "outcome_id": None, "session_id": None, "site": site,
        "stage": stage, "view": view, "sha256": "0" * 64, "media_type": "image/png",
        "width_px": 10, "height_px": 10, "size_bytes": 1, "taken_on": None,
        "uploaded_at": datetime(2027, 1, 1, tzinfo=UTC),
    })  # fmt: skip


photos = st.lists(
    st.tuples(
        st.sampled_from(["baseline", "session", "follow_up"]),
        st.sampled_from(SITES),
        st.sampled_from(VIEWS),
    ),
    max_size=25,
).map(lambda rows: [_photo(i, *row) for i, row in enumerate(rows, start=1)])


@given(photos)
def test_each_pair_is_one_area_and_view(shots: list[PhotoOut]) -> None:
    pairs = photo_pairs(shots, KB)
    assert len(pairs) == len({framing(p) for p in shots})
    for pair in pairs:
        members = [p for p in (pair.before, pair.after) if p is not None]
        assert members  # a pair exists only for something photographed
        (shown,) = {framing(p) for p in members}
        same = [p for p in shots if framing(p) == shown]
        baselines = [p for p in same if p.stage == "baseline"]
        later = [p for p in same if p.stage != "baseline"]
        assert pair.before == (baselines[0] if baselines else None)
        assert pair.after == (later[-1] if later else None)
        assert pair.view == view_name(shown[1])


def test_every_view_has_a_name_and_none_is_not_recorded() -> None:
    assert tuple(VIEW_NAMES) == get_args(PhotoView)
    assert view_name(None) == NOT_RECORDED == "View not recorded"
    assert [view_name(v) for v in get_args(PhotoView)] == [
        "Front", "Left oblique", "Right oblique", "Left profile", "Right profile"
    ]  # fmt: skip
