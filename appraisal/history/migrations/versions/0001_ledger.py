"""The first ledger: closed period versions, their inputs, outputs, manager figures, pool ledger,
retro adjustments and settlements; triggers that refuse UPDATE and DELETE on every row.

Revision ID: 0001_ledger
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_ledger"
down_revision = None
branch_labels = None
depends_on = None

TABLES = (
    "period_versions", "input_files", "output_files", "manager_figures", "manager_amounts",
    "pool_ledger", "retro_adjustments", "retro_settlements", "pool_adjustments",
    "pool_settlements",
)
MESSAGE = "appraise ledger: closed records are immutable (a revision adds a version)"


def _tables() -> None:
    op.create_table(
        "period_versions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("closed_by", sa.String(200), nullable=False),
        sa.Column("os_user", sa.String(200), nullable=False),
        sa.Column("closed_at", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("revises_version", sa.Integer(), nullable=True),
        sa.Column("engine_version", sa.String(40), nullable=False),
        sa.Column("config_text", sa.Text(), nullable=False),
        sa.Column("config_sha256", sa.String(64), nullable=False),
        sa.Column("results_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("results_dir", sa.Text(), nullable=False),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("managers", sa.Integer(), nullable=False),
        sa.Column("bonus_final", sa.BigInteger(), nullable=False),
        sa.Column("retro_adjustment", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("unit", "period", "version", name="uq_period_version"),
    )
    op.create_table(
        "input_files",
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"), nullable=False),
        sa.Column("table_name", sa.String(100), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("rows", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "manager_amounts",
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("column_key", sa.String(100), nullable=False),
        sa.Column("driver", sa.String(40), nullable=True),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("version_id", "manager_id", "column_key", name="uq_manager_amount"),
    )
    op.create_table(
        "manager_figures",
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("branch", sa.Text(), nullable=True),
        sa.Column("sub_branch", sa.Text(), nullable=True),
        sa.Column("team", sa.Text(), nullable=True),
        sa.Column("composite", sa.Float(), nullable=True),
        sa.Column("grade", sa.String(100), nullable=True),
        sa.Column("band", sa.Text(), nullable=True),
        sa.Column("flags", sa.Text(), nullable=True),
        sa.Column("bonus_gross", sa.BigInteger(), nullable=False),
        sa.Column("withheld", sa.BigInteger(), nullable=False),
        sa.Column("pool_allocation", sa.BigInteger(), nullable=False),
        sa.Column("pool_redistributed", sa.BigInteger(), nullable=False),
        sa.Column("retro_adjustment", sa.BigInteger(), nullable=False),
        sa.Column("bonus_final", sa.BigInteger(), nullable=False),
        sa.Column("row_json", sa.Text(), nullable=False),
        sa.UniqueConstraint("version_id", "manager_id", name="uq_manager_figure"),
    )
    op.create_table(
        "output_files",
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
    )
    op.create_table(
        "pool_adjustments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("source_period", sa.String(20), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_table(
        "pool_ledger",
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"), nullable=False,
                  unique=True),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("withhold_rate", sa.Float(), nullable=False),
        sa.Column("carry_in", sa.BigInteger(), nullable=False),
        sa.Column("withheld", sa.BigInteger(), nullable=False),
        sa.Column("allocated", sa.BigInteger(), nullable=False),
        sa.Column("redistributed", sa.BigInteger(), nullable=False),
        sa.Column("carry_out", sa.BigInteger(), nullable=False),
        sa.Column("mode", sa.String(20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
    )
    op.create_table(
        "pool_settlements",
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "retro_adjustments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("source_period", sa.String(20), nullable=False),
        sa.Column("source_version", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_table(
        "retro_settlements",
        sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"), nullable=False),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("due", sa.BigInteger(), nullable=False),
        sa.Column("applied", sa.BigInteger(), nullable=False),
        sa.Column("carried", sa.BigInteger(), nullable=False),
    )


def _sqlite_triggers() -> None:
    for table in TABLES:
        only_closed = "WHEN OLD.status = 'closed' " if table == "period_versions" else ""
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"FOR EACH ROW {only_closed}BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def _postgresql_triggers() -> None:
    op.execute(
        "CREATE FUNCTION appraise_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN RAISE EXCEPTION '{MESSAGE}: % on % refused', TG_OP, TG_TABLE_NAME; END $$"
    )
    for table in TABLES:
        only_closed = "WHEN (OLD.status = 'closed') " if table == "period_versions" else ""
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW {only_closed}EXECUTE FUNCTION appraise_refuse_change()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION appraise_refuse_change()"
        )


def upgrade() -> None:
    _tables()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_triggers()
    elif dialect == "postgresql":
        _postgresql_triggers()
    else:
        raise RuntimeError(f"the appraise ledger supports SQLite and PostgreSQL, not {dialect}")


def downgrade() -> None:
    raise RuntimeError("the appraise ledger is append-only: its migrations are never undone")
