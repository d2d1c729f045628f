"""Recognising a signed-in request only reads: no write lock, so requests do not queue for it.

Before, every request's token check took a writing transaction (``BEGIN IMMEDIATE`` on SQLite),
so all requests, reads included, waited for each other and for any writer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event, text

from microneedling.clinic import Clinic, NotAuthenticated
from microneedling.clinic.services.signin import SignIn

if TYPE_CHECKING:
    from clinic_support import Team

PASSWORD = "correct horse battery staple"  # the team fixture's password


def test_a_token_check_opens_only_a_reading_transaction(clinic: Clinic, team: Team) -> None:
    token = SignIn(clinic).login("practitioner", PASSWORD, "10.1.1.1", "cookie").token
    kinds: list[str] = []

    def began(connection: Any) -> None:
        kinds.append("writing" if connection.get_execution_options() == {} else "reading")

    event.listen(clinic.db.engine, "begin", began)
    try:
        actor = SignIn(clinic).authenticate(token, "cookie", "10.1.1.1")
        with pytest.raises(NotAuthenticated):
            SignIn(clinic).authenticate(token, "api", "10.1.1.1")  # a cookie is not a bearer
    finally:
        event.remove(clinic.db.engine, "begin", began)
    assert actor.staff_id == team.practitioner.staff_id
    assert kinds == ["reading", "reading"]


def test_a_token_is_recognised_while_a_writer_holds_the_write_lock(
    clinic: Clinic, team: Team
) -> None:
    token = SignIn(clinic).login("admin", PASSWORD, None, "api").token
    with clinic.db.transaction() as writer:
        # A write in progress: on SQLite it holds the database's only write lock until commit.
        writer.execute(text("UPDATE staff SET full_name = full_name WHERE id = :id"),
                       {"id": team.admin.staff_id})  # fmt: skip
        actor = SignIn(clinic).authenticate(token, "api", None)
    assert actor.staff_id == team.admin.staff_id
