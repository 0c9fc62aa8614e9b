"""meetings: tables of the meetings area (empty until its issue fills it in)

Revision ID: 0002_meetings
Revises: 0001_foundation
"""

from __future__ import annotations

revision = "0002_meetings"
down_revision = "0001_foundation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore a backup instead")
