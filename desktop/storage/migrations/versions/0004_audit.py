"""audit: tables of the audit area (empty until its issue fills it in)

Revision ID: 0004_audit
Revises: 0003_dues
"""

from __future__ import annotations

revision = "0004_audit"
down_revision = "0003_dues"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore a backup instead")
