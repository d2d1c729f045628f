"""A sweep's results on disk: one Parquet table (a row per point) and the spec beside it."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from microneedling.model.sweep.run import SweepResult

TABLE = "sweep.parquet"
SPEC = "sweep-spec.yaml"


def write_results(result: SweepResult, directory: Path) -> Path:
    """Write the table (Parquet, zstd) and the spec that made it; return the table's path."""
    directory.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(result.rows)
    table = table.replace_schema_metadata({"microneedling.sweep": result.spec.name})
    path = directory / TABLE
    pq.write_table(table, path, compression="zstd")
    spec = result.spec.model_dump(mode="json", exclude_none=True)
    (directory / SPEC).write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return path


def read_results(path: Path) -> list[dict[str, object]]:
    """The rows of a sweep table, as written."""
    rows: list[dict[str, object]] = pq.read_table(path).to_pylist()
    return rows
