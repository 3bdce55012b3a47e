"""The ledger's tables (SQLAlchemy Core), as the migrations in `migrations/versions` build them.

Money is BIGINT cents everywhere. Every row belongs to a closed period version and is never
updated or deleted: the database refuses it (triggers created by the migrations).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "IMMUTABLE_TABLES",
    "input_files",
    "manager_amounts",
    "manager_figures",
    "metadata",
    "output_files",
    "period_versions",
    "pool_adjustments",
    "pool_ledger",
    "pool_settlements",
    "retro_adjustments",
    "retro_settlements",
]

metadata = MetaData()

period_versions = Table(
    "period_versions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("unit", String(100), nullable=False),
    Column("period", String(20), nullable=False),
    Column("version", Integer, nullable=False),
    Column("status", String(20), nullable=False),
    Column("closed_by", String(200), nullable=False),
    Column("os_user", String(200), nullable=False),
    Column("closed_at", String(40), nullable=False),
    Column("reason", Text, nullable=True),
    Column("note", Text, nullable=True),
    Column("revises_version", Integer, nullable=True),
    Column("engine_version", String(40), nullable=False),
    Column("config_text", Text, nullable=False),
    Column("config_sha256", String(64), nullable=False),
    Column("results_sha256", String(64), nullable=False, unique=True),
    Column("results_dir", Text, nullable=False),
    Column("language", String(5), nullable=False),
    Column("managers", Integer, nullable=False),
    Column("bonus_final", BigInteger, nullable=False),
    Column("retro_adjustment", BigInteger, nullable=False),
    UniqueConstraint("unit", "period", "version", name="uq_period_version"),
)

input_files = Table(
    "input_files", metadata,
    Column("version_id", Integer, ForeignKey("period_versions.id"), nullable=False),
    Column("table_name", String(100), nullable=False),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("rows", BigInteger, nullable=False),
)

output_files = Table(
    "output_files", metadata,
    Column("version_id", Integer, ForeignKey("period_versions.id"), nullable=False),
    Column("name", Text, nullable=False),
    Column("sha256", String(64), nullable=False),
)

manager_figures = Table(
    "manager_figures", metadata,
    Column("version_id", Integer, ForeignKey("period_versions.id"), nullable=False),
    Column("manager_id", String(100), nullable=False),
    Column("name", Text, nullable=True),
    Column("branch", Text, nullable=True),
    Column("sub_branch", Text, nullable=True),
    Column("team", Text, nullable=True),
    Column("composite", Float, nullable=True),
    Column("grade", String(100), nullable=True),
    Column("band", Text, nullable=True),
    Column("flags", Text, nullable=True),
    Column("bonus_gross", BigInteger, nullable=False),
    Column("withheld", BigInteger, nullable=False),
    Column("pool_allocation", BigInteger, nullable=False),
    Column("pool_redistributed", BigInteger, nullable=False),
    Column("retro_adjustment", BigInteger, nullable=False),
    Column("bonus_final", BigInteger, nullable=False),
    Column("row_json", Text, nullable=False),
    UniqueConstraint("version_id", "manager_id", name="uq_manager_figure"),
)

manager_amounts = Table(
    "manager_amounts", metadata,
    Column("version_id", Integer, ForeignKey("period_versions.id"), nullable=False),
    Column("manager_id", String(100), nullable=False),
    Column("column_key", String(100), nullable=False),
    Column("driver", String(40), nullable=True),
    Column("cents", BigInteger, nullable=False),
    UniqueConstraint("version_id", "manager_id", "column_key", name="uq_manager_amount"),
)

pool_ledger = Table(
    "pool_ledger", metadata,
    Column("version_id", Integer, ForeignKey("period_versions.id"), nullable=False,
           unique=True),
    Column("period", String(20), nullable=False),
    Column("withhold_rate", Float, nullable=False),
    Column("carry_in", BigInteger, nullable=False),
    Column("withheld", BigInteger, nullable=False),
    Column("allocated", BigInteger, nullable=False),
    Column("redistributed", BigInteger, nullable=False),
    Column("carry_out", BigInteger, nullable=False),
    Column("mode", String(20), nullable=False),
    Column("note", Text, nullable=True),
)

retro_adjustments = Table(
    "retro_adjustments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version_id", Integer, ForeignKey("period_versions.id"), nullable=False),
    Column("unit", String(100), nullable=False),
    Column("manager_id", String(100), nullable=False),
    Column("source_period", String(20), nullable=False),
    Column("source_version", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
)

retro_settlements = Table(
    "retro_settlements", metadata,
    Column("version_id", Integer, ForeignKey("period_versions.id"), nullable=False),
    Column("unit", String(100), nullable=False),
    Column("manager_id", String(100), nullable=False),
    Column("due", BigInteger, nullable=False),
    Column("applied", BigInteger, nullable=False),
    Column("carried", BigInteger, nullable=False),
)

pool_adjustments = Table(
    "pool_adjustments", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("version_id", Integer, ForeignKey("period_versions.id"), nullable=False),
    Column("unit", String(100), nullable=False),
    Column("source_period", String(20), nullable=False),
    Column("source_version", Integer, nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
)

pool_settlements = Table(
    "pool_settlements", metadata,
    Column("version_id", Integer, ForeignKey("period_versions.id"), nullable=False),
    Column("unit", String(100), nullable=False),
    Column("amount", BigInteger, nullable=False),
)

IMMUTABLE_TABLES = tuple(metadata.tables)
"""Every ledger table: the database refuses UPDATE and DELETE on all of their rows."""
