"""The audit trail's keyed hash chain: one column, filled from now on.

Rows written before this migration keep an empty hash; ``db verify-audit`` counts them apart.

Revision ID: 0006_audit_chain
Revises: 0002
Create Date: 2026-12-03 08:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_audit_chain"
down_revision: str | None = "0005_patient_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ADD COLUMN on both backends: no table rebuild, so the append-only triggers stay.
    op.add_column("audit_events", sa.Column("chain_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_events", "chain_hash")
