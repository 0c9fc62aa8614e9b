"""exchange: tables of the exchange area (empty until its issue fills it in)

Revision ID: 0006_exchange
Revises: 0005_annual
"""

from __future__ import annotations

revision = "0006_exchange"
down_revision = "0005_annual"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    raise NotImplementedError("downgrades are not supported: restore a backup instead")
