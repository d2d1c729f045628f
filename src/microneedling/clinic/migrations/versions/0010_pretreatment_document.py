"""The pre-treatment check as one document: five columns of ``treatment_sessions`` become one.

``new_medication``, ``medication_classes``, ``pregnant``, ``cold_sore`` and ``breakout`` are
gathered into ``pre_treatment_check``, the JSON of
:class:`~microneedling.clinic.schemas.pre_treatment_check.PreTreatmentCheck` (its
``model_dump(mode="json")``, keys in the model's order); the downgrade spreads it back. The
five names are written out here, not read from the model, so that the migration does the same
thing whatever questions the model gains later.

Revision ID: 0010_pretreatment_document
Revises: 0009_photo_views
Create Date: 2026-12-03 16:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0010_pretreatment_document"
down_revision: str | None = "0009_photo_views"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The check's answers as columns before this migration, in the model's field order.
_YES_NO = ("new_medication", "pregnant", "cold_sore", "breakout")
_FIELDS = ("new_medication", "medication_classes", "pregnant", "cold_sore", "breakout")

_sessions = sa.table(
    "treatment_sessions",
    sa.column("id", sa.Integer()),
    sa.column("pre_treatment_check", sa.JSON()),
    sa.column("medication_classes", sa.JSON()),
    *(sa.column(name, sa.Boolean()) for name in _YES_NO),
)


def upgrade() -> None:
    op.add_column("treatment_sessions", sa.Column("pre_treatment_check", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_sessions.c.id, *(_sessions.c[f] for f in _FIELDS)))
    for row in rows.all():
        check: dict[str, Any] = {name: getattr(row, name) for name in _FIELDS}
        check["medication_classes"] = list(check["medication_classes"] or [])
        connection.execute(
            _sessions.update().where(_sessions.c.id == row.id).values(pre_treatment_check=check)
        )
    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        batch_op.alter_column("pre_treatment_check", existing_type=sa.JSON(), nullable=False)
        for name in _FIELDS:
            batch_op.drop_column(name)


def downgrade() -> None:
    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        for name in _YES_NO:
            batch_op.add_column(sa.Column(name, sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("medication_classes", sa.JSON(), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(sa.select(_sessions.c.id, _sessions.c.pre_treatment_check))
    for row in rows.all():
        check = row.pre_treatment_check
        connection.execute(
            _sessions.update()
            .where(_sessions.c.id == row.id)
            .values(
                medication_classes=list(check.get("medication_classes") or []),
                **{name: bool(check[name]) for name in _YES_NO},
            )
        )
    with op.batch_alter_table("treatment_sessions", schema=None) as batch_op:
        for name in _FIELDS:
            existing = sa.JSON() if name == "medication_classes" else sa.Boolean()
            batch_op.alter_column(name, existing_type=existing, nullable=False)
        batch_op.drop_column("pre_treatment_check")
