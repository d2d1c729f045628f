"""``microneedling db``: migrate, back up and restore (database and photos), and create the first
admin account."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console

from microneedling.cli._app import app, command, stderr
from microneedling.cli._input import validation_error
from microneedling.clinic import Clinic, ClinicSettings
from microneedling.clinic.archive import backup_clinic, restore_clinic
from microneedling.clinic.roles import Role
from microneedling.clinic.sealed import read_passphrase
from microneedling.clinic.services.passwords import generate_password
from microneedling.clinic.services.staff import StaffIn, create_staff
from microneedling.errors import InvalidInput

console = Console(highlight=False)
db_app = typer.Typer(
    help="The clinic database: migrate, back up, restore, verify.", no_args_is_help=True
)
app.add_typer(db_app, name="db")


def clinic_settings(data_dir: Path | None) -> ClinicSettings:
    """Settings from MICRONEEDLING_* and DATABASE_URL; ``data_dir`` overrides the setting."""
    overrides = {"data_dir": data_dir} if data_dir is not None else {}
    try:
        return ClinicSettings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "settings"
        raise InvalidInput(
            field, str(err["msg"]).removeprefix("Value error, "), "settings"
        ) from None


def open_clinic(data_dir: Path | None) -> Clinic:
    clinic = Clinic(clinic_settings(data_dir))
    clinic.start()
    return clinic


DataDir = Annotated[Path | None, typer.Option(help="where the database and photos live")]
#: The passphrase never goes on the command line (shell history, ``ps``): a file or the setting.
PassphraseFile = Annotated[
    Path | None,
    typer.Option(
        help="file whose first line is the backup passphrase (default: the settings "
        "MICRONEEDLING_BACKUP_PASSPHRASE_FILE or MICRONEEDLING_BACKUP_PASSPHRASE)"
    ),
]


def backup_passphrase(settings: ClinicSettings, file: Path | None) -> str | None:
    secret = settings.backup_passphrase
    return read_passphrase(
        file or settings.backup_passphrase_file,
        secret.get_secret_value() if secret is not None else None,
    )


@command("migrate", parent=db_app)
def migrate(data_dir: DataDir = None) -> None:
    """Bring the database schema up to date."""
    clinic = open_clinic(data_dir)
    console.print(f"Schema at revision {clinic.db.schema_revision()}")


@command("backup", parent=db_app)
def backup_command(
    path: Path, data_dir: DataDir = None, passphrase_file: PassphraseFile = None
) -> None:
    """Write the database and every photo to PATH, a new encrypted backup archive."""
    clinic = open_clinic(data_dir)
    passphrase = backup_passphrase(clinic.settings, passphrase_file)
    if passphrase is None:
        raise InvalidInput(
            "passphrase",
            "backups are encrypted: set MICRONEEDLING_BACKUP_PASSPHRASE(_FILE) or give "
            "--passphrase-file",
        )
    summary = backup_clinic(clinic.db, clinic.settings.photo_dir, path, passphrase)
    console.print(
        f"Backed up the database and {summary.photos} photo(s) to {summary.path} "
        f"({summary.size_bytes} bytes)"
    )
    if summary.left_out:
        for relative, reason in summary.left_out.items():
            stderr.print(f"warning: photo {relative} left out: {reason}", markup=False)
        # The archive is written, but it is not the whole record: a scheduled job must notice.
        raise typer.Exit(1)


@command("restore", parent=db_app)
def restore_command(
    path: Path,
    data_dir: DataDir = None,
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
    passphrase_file: PassphraseFile = None,
    allow_unencrypted: Annotated[
        bool,
        typer.Option(
            "--allow-unencrypted",
            help="also restore an old unencrypted archive or bare database file",
        ),
    ] = False,
) -> None:
    """Replace the database's content with the backup in PATH and add its photos."""
    clinic = open_clinic(data_dir)
    passphrase = backup_passphrase(clinic.settings, passphrase_file)
    if not yes:
        typer.confirm("Replace every record in the clinic database with the backup?", abort=True)
    summary = restore_clinic(
        clinic.db,
        clinic.settings.photo_dir,
        path,
        passphrase,
        allow_unsealed=allow_unencrypted,
    )
    photos = (
        f"; {summary.photos_written} photo(s) written, {summary.photos_present} already there, "
        f"{summary.photos_repaired} damaged one(s) replaced"
        if summary.archive
        else "; a database file without photos"
    )
    console.print(f"Restored from {path}{photos}; schema at revision {clinic.db.schema_revision()}")


@command("verify-audit", parent=db_app)
def verify_audit(data_dir: DataDir = None) -> None:
    """Check the audit trail's hash chain; exit 1 at the first broken link."""
    from microneedling.clinic.audit_chain import verify_trail

    report = verify_trail(open_clinic(data_dir))
    if not report.ok:
        stderr.print(report.describe(), markup=False)
        raise typer.Exit(1)
    console.print(report.describe())


@command("create-admin", parent=db_app)
def create_admin(
    username: str,
    full_name: Annotated[str, typer.Option(help="the person's name")] = "Clinic administrator",
    data_dir: DataDir = None,
) -> None:
    """Create an admin account with a generated password (printed once)."""
    clinic = open_clinic(data_dir)
    password = generate_password()
    try:
        account = StaffIn(
            username=username, full_name=full_name, role=Role.ADMIN, password=password
        )
    except ValidationError as exc:
        raise validation_error(exc) from None
    create_staff(clinic, account)
    console.print(f"Admin '{username}' created. Password (shown once): {password}")
