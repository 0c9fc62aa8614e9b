"""audit: the hash-chained audit log, produced ledgers, record locks and amendments (更正)

Revision ID: 0004_audit
Revises: 0003_dues
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_audit"
down_revision = "0003_dues"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_entry',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=False),
    sa.Column('row_id', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('data', sa.Text(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_entry'))
    )
    op.create_table('produced_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('path', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('signed', sa.Boolean(), nullable=False),
    sa.Column('signer', sa.String(length=200), nullable=True),
    sa.Column('cert_fingerprint', sa.String(length=64), nullable=True),
    sa.Column('self_signed', sa.Boolean(), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=False),
    sa.Column('audit_hash', sa.String(length=64), nullable=False),
    sa.Column('record_count', sa.Integer(), nullable=False),
    sa.Column('produced_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_produced_ledger'))
    )
    op.create_table('amendment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=False),
    sa.Column('row_id', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('old_values', sa.Text(), nullable=False),
    sa.Column('new_values', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('actor', sa.String(length=60), nullable=True),
    sa.Column('amended_at', sa.DateTime(), nullable=False),
    sa.Column('locked_by_ledger_id', sa.Integer(), nullable=True),
    sa.Column('carried_in_ledger_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['carried_in_ledger_id'], ['produced_ledger.id'], name=op.f('fk_amendment_carried_in_ledger_id_produced_ledger')),
    sa.ForeignKeyConstraint(['locked_by_ledger_id'], ['produced_ledger.id'], name=op.f('fk_amendment_locked_by_ledger_id_produced_ledger')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_amendment'))
    )
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.create_index('ix_amendment_row', ['table_name', 'row_id'], unique=False)

    op.create_table('record_lock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('table_name', sa.String(length=60), nullable=False),
    sa.Column('row_id', sa.String(length=80), nullable=False),
    sa.Column('ledger_id', sa.Integer(), nullable=False),
    sa.Column('locked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['ledger_id'], ['produced_ledger.id'], name=op.f('fk_record_lock_ledger_id_produced_ledger')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_lock'))
    )
    with op.batch_alter_table('record_lock', schema=None) as batch_op:
        batch_op.create_index('ix_record_lock_row', ['table_name', 'row_id'], unique=False)

    # A file that already holds data (from before the chain existed) starts its chain with a
    # baseline entry per row, so `check` does not report those rows as added outside the app.
    from desktop.storage.audit import append_baseline

    append_baseline(op.get_bind())


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore a backup instead")
