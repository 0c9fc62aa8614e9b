"""annual: the 述职 report drafts, the three lists, the evaluation and members' 民主评议 grades

Revision ID: 0005_annual
Revises: 0004_audit
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_annual"
down_revision = "0004_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('annual_evaluation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=True),
    sa.Column('scale', sa.String(length=40), nullable=False),
    sa.Column('eligible', sa.Integer(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('count_1', sa.Integer(), nullable=False),
    sa.Column('count_2', sa.Integer(), nullable=False),
    sa.Column('count_3', sa.Integer(), nullable=False),
    sa.Column('count_4', sa.Integer(), nullable=False),
    sa.Column('upper_grade', sa.String(length=20), nullable=True),
    sa.Column('upper_comments', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_evaluation')),
    sa.UniqueConstraint('year', name=op.f('uq_annual_evaluation_year'))
    )
    op.create_table('annual_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('cause', sa.Text(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('responsible', sa.String(length=80), nullable=False),
    sa.Column('measure', sa.Text(), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('evidence_sha256', sa.String(length=64), nullable=True),
    sa.Column('evidence_name', sa.String(length=200), nullable=True),
    sa.Column('evidence_type', sa.String(length=40), nullable=True),
    sa.Column('carried_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['carried_from_id'], ['annual_item.id'], name=op.f('fk_annual_item_carried_from_id_annual_item')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_item'))
    )
    with op.batch_alter_table('annual_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annual_item_year'), ['year'], unique=False)

    op.create_table('annual_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('duties', sa.Text(), nullable=False),
    sa.Column('problems', sa.Text(), nullable=False),
    sa.Column('plans', sa.Text(), nullable=False),
    sa.Column('followup', sa.Text(), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_report')),
    sa.UniqueConstraint('year', name=op.f('uq_annual_report_year'))
    )
    op.create_table('annual_member_grade',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=10), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=120), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_annual_member_grade_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annual_member_grade')),
    sa.UniqueConstraint('year', 'member_id', name=op.f('uq_annual_member_grade_year'))
    )


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore a backup instead")
