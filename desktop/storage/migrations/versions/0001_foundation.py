"""foundation: branch profile, committee, settings, roster with history and transfers

Revision ID: 0001_foundation
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_foundation"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('branch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('org_type', sa.String(length=20), nullable=False),
    sa.Column('parent_org', sa.String(length=100), nullable=True),
    sa.Column('founded_on', sa.Date(), nullable=True),
    sa.Column('contact_person', sa.String(length=40), nullable=True),
    sa.Column('contact_phone', sa.String(length=40), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_branch'))
    )
    op.create_table('committee_term',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('elected_on', sa.Date(), nullable=False),
    sa.Column('years', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_term'))
    )
    op.create_table('party_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('dissolved_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_party_group')),
    sa.UniqueConstraint('name', name=op.f('uq_party_group_name'))
    )
    op.create_table('setting',
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('joint_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('branch_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['branch_id'], ['branch.id'], name=op.f('fk_joint_unit_branch_id_branch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_unit'))
    )
    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('sex', sa.String(length=2), nullable=True),
    sa.Column('ethnicity', sa.String(length=20), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('id_number', sa.String(length=18), nullable=True),
    sa.Column('education', sa.String(length=20), nullable=True),
    sa.Column('degree', sa.String(length=20), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('work_unit_post', sa.String(length=120), nullable=True),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('residence', sa.String(length=200), nullable=True),
    sa.Column('household_registration', sa.String(length=200), nullable=True),
    sa.Column('applied_on', sa.Date(), nullable=True),
    sa.Column('joined_on', sa.Date(), nullable=True),
    sa.Column('confirmed_on', sa.Date(), nullable=True),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('party_group_id', sa.Integer(), nullable=True),
    sa.Column('party_post', sa.String(length=40), nullable=True),
    sa.Column('is_mobile', sa.Boolean(), nullable=False),
    sa.Column('mobile_where', sa.String(length=120), nullable=True),
    sa.Column('mobile_since', sa.Date(), nullable=True),
    sa.Column('is_lost_contact', sa.Boolean(), nullable=False),
    sa.Column('lost_contact_since', sa.Date(), nullable=True),
    sa.Column('is_migrant_worker', sa.Boolean(), nullable=False),
    sa.Column('new_social_stratum', sa.String(length=40), nullable=True),
    sa.Column('new_employment_group', sa.String(length=20), nullable=True),
    sa.Column('probation_extension', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['party_group_id'], ['party_group.id'], name=op.f('fk_member_party_group_id_party_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member')),
    sa.UniqueConstraint('id_number', name=op.f('uq_member_id_number'))
    )
    op.create_table('committee_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('term_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('post', sa.String(length=20), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_committee_member_member_id_member')),
    sa.ForeignKeyConstraint(['term_id'], ['committee_term.id'], name=op.f('fk_committee_member_term_id_committee_term'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_committee_member'))
    )
    op.create_table('member_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('attribute', sa.String(length=20), nullable=False),
    sa.Column('value', sa.String(length=120), nullable=True),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_member_change_member_id_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_change'))
    )
    with op.batch_alter_table('member_change', schema=None) as batch_op:
        batch_op.create_index('ix_member_change_member_attr', ['member_id', 'attribute', 'effective_on'], unique=False)

    op.create_table('transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=4), nullable=False),
    sa.Column('transfer_date', sa.Date(), nullable=False),
    sa.Column('organization', sa.String(length=120), nullable=False),
    sa.Column('letter_number', sa.String(length=60), nullable=True),
    sa.Column('dues_paid_to', sa.String(length=7), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_transfer_member_id_member'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_transfer'))
    )


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore a backup instead")
