"""All ORM models. Each area has its own module; importing this package registers them all
with `Base.metadata` (alembic's autogenerate and the schema test read it)."""

from desktop.storage.base import Base
from desktop.storage.models.branch import (
    BranchRecord,
    CommitteeMemberRecord,
    CommitteeTermRecord,
    JointUnitRecord,
    SettingRecord,
)
from desktop.storage.models.roster import MemberChangeRecord, MemberRecord, PartyGroupRecord, TransferRecord
from desktop.storage.models import meetings, dues, audit, annual, exchange  # noqa: E402,F401  (area modules)

__all__ = [
    "Base",
    "BranchRecord",
    "CommitteeMemberRecord",
    "CommitteeTermRecord",
    "JointUnitRecord",
    "MemberChangeRecord",
    "MemberRecord",
    "PartyGroupRecord",
    "SettingRecord",
    "TransferRecord",
]
