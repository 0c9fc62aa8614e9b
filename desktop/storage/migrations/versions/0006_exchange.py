"""exchange: packages sent to the district, district packages applied (notices, evaluations)

Revision ID: 0006_exchange
Revises: 0005_annual
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_exchange"
down_revision = "0005_annual"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('district_package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_hash', sa.String(length=64), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('file_name', sa.String(length=120), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_package')),
    sa.UniqueConstraint('package_hash', name=op.f('uq_district_package_package_hash'))
    )
    op.create_table('sent_package',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('branch_code', sa.String(length=40), nullable=False),
    sa.Column('file_name', sa.String(length=120), nullable=False),
    sa.Column('package_hash', sa.String(length=64), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('previous_hash', sa.String(length=64), nullable=True),
    sa.Column('period_start', sa.Date(), nullable=True),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('since_time', sa.DateTime(), nullable=True),
    sa.Column('exported_time', sa.DateTime(), nullable=False),
    sa.Column('audit_seq', sa.Integer(), nullable=True),
    sa.Column('record_count', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('destination', sa.Text(), nullable=True),
    sa.Column('contents', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_package')),
    sa.UniqueConstraint('sequence', name=op.f('uq_sent_package_sequence'))
    )
    op.create_table('district_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('result', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['district_package.id'], name=op.f('fk_district_evaluation_package_id_district_package')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_evaluation')),
    sa.UniqueConstraint('year', name=op.f('uq_district_evaluation_year'))
    )
    op.create_table('district_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('attachments', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['district_package.id'], name=op.f('fk_district_notice_package_id_district_package')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_district_notice'))
    )
    op.create_table('sent_attachment',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('package_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['package_id'], ['sent_package.id'], name=op.f('fk_sent_attachment_package_id_sent_package')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_sent_attachment'))
    )


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore a backup instead")
