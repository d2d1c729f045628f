"""Medical-director oversight: good-faith examinations, plan approvals, chart reviews.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 06:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "good_faith_exams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("examined_on", sa.Date(), nullable=False),
        sa.Column("examiner_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["examiner_id"], ["staff.id"], name=op.f("fk_good_faith_exams_examiner_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_good_faith_exams_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_good_faith_exams")),
    )
    with op.batch_alter_table("good_faith_exams", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_good_faith_exams_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "plan_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Integer(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["staff.id"], name=op.f("fk_plan_approvals_decided_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_approvals_plan_id_plans")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_approvals")),
        sa.UniqueConstraint("plan_id", "plan_version", name=op.f("uq_plan_approvals_plan_id")),
    )
    with op.batch_alter_table("plan_approvals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_approvals_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "chart_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("finding", sa.String(length=20), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_chart_reviews_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["staff.id"], name=op.f("fk_chart_reviews_reviewer_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["treatment_sessions.id"],
            name=op.f("fk_chart_reviews_session_id_treatment_sessions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chart_reviews")),
        sa.UniqueConstraint("session_id", name=op.f("uq_chart_reviews_session_id")),
    )
    with op.batch_alter_table("chart_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_chart_reviews_patient_id"), ["patient_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("chart_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chart_reviews_patient_id"))
    op.drop_table("chart_reviews")
    with op.batch_alter_table("plan_approvals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_approvals_plan_id"))
    op.drop_table("plan_approvals")
    with op.batch_alter_table("good_faith_exams", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_good_faith_exams_patient_id"))
    op.drop_table("good_faith_exams")
