"""dues: tables of the dues area (empty until its issue fills it in)

Revision ID: 0003_dues
Revises: 0002_meetings
"""

from __future__ import annotations

revision = "0003_dues"
down_revision = "0002_meetings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore a backup instead")
