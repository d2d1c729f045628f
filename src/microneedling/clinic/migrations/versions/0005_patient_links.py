"""Patient links (intake, consent, the patient's page), intake drafts, consent documents.

A consent signed on the patient's own device has no witness, so plan_consents.witnessed_by
becomes nullable.

Revision ID: 0005_patient_links
Revises: 0002
Create Date: 2026-12-03 08:12:02.006016
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_patient_links"
down_revision: str | None = "0004_messages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patient_link_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("client_ip", sa.String(length=64), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_link_requests")),
    )
    with op.batch_alter_table("patient_link_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_patient_link_requests_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_patient_link_requests_link_id"), ["link_id"], unique=False
        )

    op.create_table(
        "consent_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("plan_version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("prepared_at", sa.DateTime(), nullable=False),
        sa.Column("prepared_by", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=200), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("signed_via", sa.String(length=20), nullable=True),
        sa.Column("witness_id", sa.Integer(), nullable=True),
        sa.Column("photo_consent", sa.Boolean(), nullable=True),
        sa.Column("signature_png", sa.LargeBinary(), nullable=True),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_via", sa.String(length=20), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_consent_documents_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_consent_documents_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["prepared_by"], ["staff.id"], name=op.f("fk_consent_documents_prepared_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["witness_id"], ["staff.id"], name=op.f("fk_consent_documents_witness_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_documents")),
    )
    with op.batch_alter_table("consent_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consent_documents_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_consent_documents_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "patient_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("consent_document_id", sa.Integer(), nullable=True),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by", sa.Integer(), nullable=True),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["consent_document_id"],
            ["consent_documents.id"],
            name=op.f("fk_patient_links_consent_document_id_consent_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["staff.id"], name=op.f("fk_patient_links_created_by_staff")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_patient_links_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by"], ["staff.id"], name=op.f("fk_patient_links_revoked_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_links")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_patient_links_token_sha256")),
    )
    with op.batch_alter_table("patient_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patient_links_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "intake_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=True),
        sa.Column("reviewed_by", sa.Integer(), nullable=True),
        sa.Column("intake_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["intake_id"], ["intakes.id"], name=op.f("fk_intake_drafts_intake_id_intakes")
        ),
        sa.ForeignKeyConstraint(
            ["link_id"], ["patient_links.id"], name=op.f("fk_intake_drafts_link_id_patient_links")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_intake_drafts_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by"], ["staff.id"], name=op.f("fk_intake_drafts_reviewed_by_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intake_drafts")),
    )
    with op.batch_alter_table("intake_drafts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_intake_drafts_patient_id"), ["patient_id"], unique=False
        )

    with op.batch_alter_table("plan_consents", schema=None) as batch_op:
        batch_op.alter_column("witnessed_by", existing_type=sa.INTEGER(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("plan_consents", schema=None) as batch_op:
        batch_op.alter_column("witnessed_by", existing_type=sa.INTEGER(), nullable=False)

    with op.batch_alter_table("intake_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_drafts_patient_id"))

    op.drop_table("intake_drafts")
    with op.batch_alter_table("patient_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_links_patient_id"))

    op.drop_table("patient_links")
    with op.batch_alter_table("consent_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_documents_plan_id"))
        batch_op.drop_index(batch_op.f("ix_consent_documents_patient_id"))

    op.drop_table("consent_documents")
    with op.batch_alter_table("patient_link_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_link_requests_link_id"))
        batch_op.drop_index(batch_op.f("ix_patient_link_requests_at"))

    op.drop_table("patient_link_requests")
