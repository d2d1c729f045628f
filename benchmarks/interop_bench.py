"""Speed of the FHIR export and import against the clinic's own backup and restore, side by side.

Run it: ``uv run python benchmarks/interop_bench.py``

The demo clinic (SQLite, in a temporary folder) is taken out two ways: ``export_fhir`` with
``write_ndjson`` and the photo copies (what ``microneedling export fhir`` does), and
``backup_clinic`` (``microneedling db backup``); and brought back two ways: ``import_fhir`` into
an empty clinic and ``restore_clinic``. The pairs alternate over five rounds; each round's
ratio (FHIR / backup) is printed, then the median and range, with the load average before and
after (the machine is shared). Import includes hashing each new staff account's password
(argon2id, slow on purpose), which restore does not do.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from microneedling.clinic import Actor, Clinic, ClinicSettings, Role
from microneedling.clinic.archive import backup_clinic, restore_clinic
from microneedling.clinic.demo import seed_demo
from microneedling.clinic.interop import ExportScope, InteropService
from microneedling.clinic.interop.fhir_export import write_ndjson
from microneedling.clinic.models import StaffMember

ROUNDS = 5


def _clinic(root: Path, name: str) -> Clinic:
    url = f"sqlite:///{root / name / 'clinic.sqlite3'}"
    settings = ClinicSettings(environment="test", secret_key="b" * 48,  # type: ignore[arg-type]
                              data_dir=root / name, database_url=url)  # fmt: skip
    clinic = Clinic(settings)
    clinic.start()
    return clinic


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    root = Path(tempfile.mkdtemp(prefix="interop-bench-"))
    try:
        source = _clinic(root, "source")
        seed_demo(source)
        admin = Actor(1, "admin", Role.ADMIN)
        print(f"load average before: {_load()}")
        out_ratios, in_ratios = [], []
        for n in range(ROUNDS):
            folder, archive = root / f"fhir-{n}", root / f"backup-{n}.tar"

            def export(folder: Path = folder) -> None:
                export = InteropService(source, admin).export_fhir(ExportScope())
                write_ndjson(export, folder)
                for relative in export.photos:
                    target = folder / "photos" / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source.settings.photo_dir / relative, target)

            fhir_out = _seconds(export)
            backup_out = _seconds(lambda archive=archive: backup_clinic(
                source.db, source.settings.photo_dir, archive))  # fmt: skip
            target = _clinic(root, f"target-{n}")
            with target.db.transaction() as session:
                session.add(StaffMember(username="admin", full_name="Alex Admin", role="admin",
                                        password_hash="x", active=True))  # fmt: skip
            fhir_in = _seconds(lambda t=target, f=folder: InteropService(t, admin).import_fhir(f))
            restored = _clinic(root, f"restored-{n}")
            backup_in = _seconds(lambda r=restored, a=archive: restore_clinic(
                r.db, r.settings.photo_dir, a))  # fmt: skip
            target.db.dispose()
            restored.db.dispose()
            out_ratios.append(fhir_out / backup_out)
            in_ratios.append(fhir_in / backup_in)
            print(f"round {n + 1}: export {fhir_out:.3f} s, backup {backup_out:.3f} s "
                  f"(x{out_ratios[-1]:.2f}); import {fhir_in:.3f} s, restore {backup_in:.3f} s "
                  f"(x{in_ratios[-1]:.2f})")  # fmt: skip
        for name, ratios in (("export / backup", out_ratios), ("import / restore", in_ratios)):
            print(f"{name}: median x{statistics.median(ratios):.2f} "
                  f"(range x{min(ratios):.2f}-x{max(ratios):.2f})")  # fmt: skip
        print(f"load average after: {_load()}")
        source.db.dispose()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
