"""The camera's view of a clinical photo: which way the patient faced the lens.

Before and after photos are compared only when they show the same area from the same view: a
cheek photographed from the front and again in profile shows different skin. The views are the
standard ones of facial clinical photography, "standardised and reproducible angles such as
frontal, oblique and lateral views" (Nair AG et al., Clinical photography for periorbital and
facial aesthetic practice, J Cutan Aesthet Surg 2016;9(2):115-21, doi:10.4103/0974-2077.184047,
read from its abstract); naming each oblique and lateral (profile) view by the side of the
patient it shows is this clinic's convention. Photos stored before views were recorded have
none: "view not recorded".
"""

from __future__ import annotations

from typing import Literal

PhotoView = Literal["front", "left_oblique", "right_oblique", "left_profile", "right_profile"]

#: Each view with its name as staff read it, in the order they are usually taken.
VIEW_NAMES: dict[str, str] = {
    "front": "Front",
    "left_oblique": "Left oblique",
    "right_oblique": "Right oblique",
    "left_profile": "Left profile",
    "right_profile": "Right profile",
}
#: What a photo without a recorded view is called.
NOT_RECORDED = "View not recorded"


def view_name(view: str | None) -> str:
    """The view as staff read it ("Left oblique"), or "View not recorded"."""
    if view is None:
        return NOT_RECORDED
    return VIEW_NAMES.get(view, view)
