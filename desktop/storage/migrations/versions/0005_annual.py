"""annual: tables of the annual area (empty until its issue fills it in)

Revision ID: 0005_annual
Revises: 0004_audit
"""

from __future__ import annotations

revision = "0005_annual"
down_revision = "0004_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore a backup instead")
