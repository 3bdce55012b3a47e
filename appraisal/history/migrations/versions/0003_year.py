"""The year (issue 14): each closed month's indicator actuals (what an annual run aggregates),
the annual (or quarterly) settlements of the grade component, and the re-grants a revision of
a month with deferred pay records; triggers refuse UPDATE and DELETE of every row.

Revision ID: 0003_year
Revises: 0002_deferral
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_year"
down_revision = "0002_deferral"
branch_labels = None
depends_on = None

TABLES = ("indicator_actuals", "annual_settlements", "deferral_regrants")
MESSAGE = "appraise ledger: closed records are immutable (a revision adds a version)"


def _version() -> sa.Column:
    return sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"),
                     nullable=False)


def _tables() -> None:
    op.create_table(
        "indicator_actuals",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _version(),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("indicator", sa.String(100), nullable=False),
        sa.Column("actual", sa.Float(), nullable=True),
        sa.UniqueConstraint("version_id", "manager_id", "indicator",
                            name="uq_indicator_actual"),
    )
    op.create_table(
        "annual_settlements",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _version(),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("span", sa.String(20), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("grade", sa.String(20), nullable=True),
        sa.Column("annual_due", sa.BigInteger(), nullable=False),
        sa.Column("annual_advances", sa.BigInteger(), nullable=False),
        sa.Column("annual_true_up", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("annual_advances + annual_true_up = annual_due",
                           name="ck_annual_settlement"),
        sa.UniqueConstraint("version_id", "manager_id", name="uq_annual_settlement"),
    )
    op.create_table(
        "deferral_regrants",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _version(),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("grant_id", sa.Integer(), sa.ForeignKey("deferral_grants.id"),
                  nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("grant_period", sa.String(20), nullable=False),
        sa.Column("revision_version", sa.Integer(), nullable=False),
        sa.Column("pay", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount > 0", name="ck_regrant_amount"),
    )


def _sqlite_triggers() -> None:
    for table in TABLES:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def _postgresql_triggers() -> None:
    # appraise_refuse_change() was created by 0001_ledger
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_immutable BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION appraise_refuse_change()"
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
