"""The one shape of a form POST (``_forms.submit``): 303 on success, the page again on refusal.

The call here validates a real pydantic model and raises the clinic's real ``InvalidInput``,
as a page's call into a service does; ``again`` records the errors it is given.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import HTMLResponse, Response

from microneedling.errors import InvalidInput
from microneedling.web.pages._forms import FormProblems, read_or_refuse, submit


class Visit(BaseModel):
    """A stand-in for a service input: a count of passes, one to four."""

    passes: int = Field(ge=1, le=4)


def _again(shown: list[dict[str, str]]) -> Callable[[dict[str, str]], Response]:
    def again(errors: dict[str, str]) -> Response:
        shown.append(errors)
        return HTMLResponse("form again", status_code=422)

    return again


def test_success_sends_the_browser_on_with_303() -> None:
    shown: list[dict[str, str]] = []
    answer = submit(
        lambda: Visit.model_validate({"passes": "2"}),
        then=lambda visit: f"/visits/{visit.passes}",
        again=_again(shown),
    )
    assert (answer.status_code, answer.headers["location"], shown) == (303, "/visits/2", [])


def test_a_path_given_as_it_is_is_where_the_browser_goes() -> None:
    answer = submit(lambda: None, then="/done#lots", again=_again([]))
    assert (answer.status_code, answer.headers["location"]) == (303, "/done#lots")


def test_then_may_answer_with_the_page_itself() -> None:
    shown_once = HTMLResponse("the new address, shown once")
    answer = submit(lambda: 7, then=lambda _: shown_once, again=_again([]))
    assert answer is shown_once


def test_a_model_refusal_shows_the_form_again_with_the_problem_beside_its_field() -> None:
    shown: list[dict[str, str]] = []
    answer = submit(
        lambda: Visit.model_validate({"passes": "9"}),
        then="/never",
        again=_again(shown),
        rename={"passes": "area.passes"},
    )
    assert answer.status_code == 422
    assert shown == [{"area.passes": "Must be less than or equal to 4."}]


def test_a_service_refusal_names_its_field() -> None:
    def refuse() -> None:
        raise InvalidInput("depth_mm", "beyond the device's label")

    shown: list[dict[str, str]] = []
    submit(refuse, then="/never", again=_again(shown))
    assert shown == [{"depth_mm": "Beyond the device's label."}]


def test_errors_from_keys_the_errors_the_forms_own_way() -> None:
    def keyed(exc: ValidationError | InvalidInput) -> dict[str, str]:
        assert isinstance(exc, ValidationError)
        return {"row.3": "; ".join(str(e["type"]) for e in exc.errors())}

    shown: list[dict[str, str]] = []
    submit(
        lambda: Visit.model_validate({"passes": "x"}),
        then="/never",
        again=_again(shown),
        errors_from=keyed,
    )
    assert shown == [{"row.3": "int_parsing"}]


def test_problems_found_reading_the_form_are_shown_as_they_are() -> None:
    def read() -> None:
        raise FormProblems({"finding.0.site": "Please give both the area and the finding."})

    shown: list[dict[str, str]] = []
    submit(read, then="/never", again=_again(shown))
    assert shown == [{"finding.0.site": "Please give both the area and the finding."}]


def test_any_other_error_is_not_taken_for_a_refusal() -> None:
    def broken() -> None:
        raise RuntimeError("the database went away")

    shown: list[dict[str, str]] = []
    # A bug must reach the page's 500 handler, not be shown as a problem with the input.
    with pytest.raises(RuntimeError):
        submit(broken, then="/never", again=_again(shown))
    assert shown == []


def test_a_form_read_into_its_model_is_passed_on_and_one_that_was_not_is_refused() -> None:
    visit = Visit(passes=3)
    assert read_or_refuse(visit, {}) is visit
    shown: list[dict[str, str]] = []
    problems = {"areas.1.site": "Please choose an area."}
    submit(lambda: read_or_refuse(None, problems), then="/never", again=_again(shown))
    assert shown == [problems]
