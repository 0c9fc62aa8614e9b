"""Tables of the district database (SQLAlchemy Core: the district side imports in bulk).

Version 1 of the district schema. `schema.py` creates these for a new database; when a later
version changes them, freeze this version's definition in `schema.py` first, then add a step."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Index, Integer, MetaData, String, Table, Text, UniqueConstraint

from desktop.storage.base import NAMING

metadata = MetaData(naming_convention=NAMING)

schema_version = Table(
    "district_schema", metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", DateTime, nullable=False),
)

branch = Table(
    "district_branch", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("registered_on", Date, nullable=False),
)

certificate = Table(
    "issued_certificate", metadata,
    Column("serial", String(64), primary_key=True),  # hex
    Column("branch_code", String(40), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("not_before", Date, nullable=False),
    Column("not_after", Date, nullable=False),
    Column("revoked_on", Date),
    Column("revoke_reason", Text),
    Column("pem", Text, nullable=False),
)

received = Table(
    "received_package", metadata,
    Column("id", Integer, primary_key=True),
    Column("branch_code", String(40), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("package_hash", String(64), nullable=False, unique=True),
    Column("previous_hash", String(64)),
    Column("period_start", Date),
    Column("period_end", Date),
    Column("schema_version", Integer, nullable=False),
    Column("file_name", String(120), nullable=False),
    Column("size", Integer, nullable=False),
    Column("signer_serial", String(64), nullable=False),
    Column("record_count", Integer, nullable=False),
    Column("audit_count", Integer, nullable=False),
    Column("received_at", DateTime, nullable=False),
    UniqueConstraint("branch_code", "sequence", name="uq_received_package_branch_sequence"),
)

branch_row = Table(
    "branch_row", metadata,
    Column("id", Integer, primary_key=True),
    Column("branch_code", String(40), nullable=False),
    Column("table_name", String(60), nullable=False),
    Column("row_id", String(80), nullable=False),
    Column("data", Text, nullable=False),  # the row as JSON, as the branch sent it
    Column("package_id", Integer, nullable=False),
    UniqueConstraint("branch_code", "table_name", "row_id", name="uq_branch_row_key"),
)

figures = Table(
    "branch_figures", metadata,
    Column("id", Integer, primary_key=True),
    Column("branch_code", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Column("package_id", Integer, nullable=False),
    UniqueConstraint("branch_code", "year", name="uq_branch_figures_year"),
)

audit = Table(
    "branch_audit_log", metadata,  # a package's audit entries, kept verbatim as received
    Column("id", Integer, primary_key=True),
    Column("branch_code", String(40), nullable=False),
    Column("package_id", Integer, nullable=False, unique=True),
    Column("from_seq", Integer, nullable=False),  # entries after this sequence number …
    Column("to_seq", Integer, nullable=False),  # … up to this one (the branch's chain head)
    Column("head_hash", String(64), nullable=False),
    Column("entries", Text, nullable=False),  # data/audit/entries.json as the branch signed it
)

attachment = Table(
    "district_attachment", metadata,
    Column("sha256", String(64), primary_key=True),
    Column("size", Integer, nullable=False),
    Column("package_id", Integer, nullable=False),
)

notice = Table(
    "sent_notice", metadata,
    Column("id", Integer, primary_key=True),
    Column("branch_code", String(40), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("package_hash", String(64), nullable=False),
    Column("file_name", String(120), nullable=False),
    Column("created_at", DateTime, nullable=False),
    UniqueConstraint("branch_code", "sequence", name="uq_sent_notice_branch_sequence"),
)

Index("ix_branch_row_table", branch_row.c.branch_code, branch_row.c.table_name)
