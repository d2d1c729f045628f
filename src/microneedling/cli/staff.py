"""``microneedling staff``: staff accounts from the server's console.

``reset-mfa`` is for the day no admin can sign in (the only admin lost their phone): whoever
runs it has the server's shell, so it needs no sign-in, but it still acts as a named admin
account (``--as``, by default the account being reset), through the same service call as the
API's and the staff page's reset, so the role rules and the audit trail apply as they do there.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from microneedling.cli._acting import acting
from microneedling.cli._app import app, command
from microneedling.cli.db import DataDir
from microneedling.clinic.services.mfa import MfaService
from microneedling.clinic.services.staff import StaffService
from microneedling.errors import InvalidInput

console = Console(highlight=False)
staff_app = typer.Typer(
    help="Staff accounts from the server's console: reset two-factor sign-in.",
    no_args_is_help=True,
)
app.add_typer(staff_app, name="staff")

AsAdmin = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="the admin account acting (its username); default: USERNAME itself, "
        "which must then be an admin",
    ),
]


@command("reset-mfa", parent=staff_app)
def reset_mfa(username: str, as_: AsAdmin = None, data_dir: DataDir = None) -> None:
    """Remove USERNAME's authenticator and recovery codes and end its sessions (a lost phone)."""
    try:
        with acting(as_ or username, data_dir) as (clinic, actor):
            member = StaffService(clinic, actor).by_username(username)
            ended = MfaService(clinic, actor).reset(member.id)
    except InvalidInput as exc:
        if as_ is None and exc.field == "as":
            # Without --as the account named is the one acting: say it of USERNAME.
            raise InvalidInput("username", f"no active staff account '{username}'") from None
        raise
    console.print(
        f"Two-factor sign-in reset for '{member.username}': authenticator and recovery codes "
        f"removed, {ended} session(s) ended. They sign in with their password and set up a "
        "new authenticator."
    )
