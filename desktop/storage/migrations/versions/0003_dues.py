"""dues: yearly determinations, payments and their months, remittances (issue 4)

Revision ID: 0003_dues
Revises: 0002_meetings
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_dues"
down_revision = "0002_meetings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dues_determination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("from_month", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("base", sa.Integer(), nullable=True),
        sa.Column("fixed_amount", sa.Integer(), nullable=True),
        sa.Column("voluntary", sa.Boolean(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("rate", sa.String(length=10), nullable=True),
        sa.Column("rule", sa.String(length=120), nullable=False),
        sa.Column("rounding", sa.String(length=20), nullable=False),
        sa.Column("approval_ref", sa.String(length=120), nullable=True),
        sa.Column("is_change", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("determined_by", sa.String(length=40), nullable=False),
        sa.Column("determined_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_dues_determination_member_id_member"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_determination")),
        sa.UniqueConstraint("member_id", "year", "from_month", name="uq_dues_determination_member_year_month"),
    )
    with op.batch_alter_table("dues_determination", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dues_determination_member_id"), ["member_id"], unique=False)

    op.create_table(
        "dues_payment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("regular", sa.Integer(), nullable=False),
        sa.Column("voluntary", sa.Integer(), nullable=False),
        sa.Column("large", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("collector", sa.String(length=40), nullable=False),
        sa.Column("receipt_year", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=30), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_dues_payment_member_id_member"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_payment")),
        sa.UniqueConstraint("receipt_year", "receipt_number", name="uq_dues_payment_receipt"),
    )
    with op.batch_alter_table("dues_payment", schema=None) as batch_op:
        batch_op.create_index("ix_dues_payment_member_paid", ["member_id", "paid_on"], unique=False)

    op.create_table(
        "dues_payment_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("month_index", sa.Integer(), nullable=False),
        sa.Column("due", sa.Integer(), nullable=False),
        sa.Column("applied", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_dues_payment_month_member_id_member"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["payment_id"], ["dues_payment.id"],
                                name=op.f("fk_dues_payment_month_payment_id_dues_payment"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_payment_month")),
    )
    with op.batch_alter_table("dues_payment_month", schema=None) as batch_op:
        batch_op.create_index("ix_dues_payment_month_member_month", ["member_id", "month_index"], unique=False)
        batch_op.create_index(batch_op.f("ix_dues_payment_month_payment_id"), ["payment_id"], unique=False)

    op.create_table(
        "dues_remittance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("remitted_on", sa.Date(), nullable=False),
        sa.Column("period_from", sa.String(length=7), nullable=False),
        sa.Column("period_to", sa.String(length=7), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("large", sa.Integer(), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=100), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dues_remittance")),
    )


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore a backup instead")
