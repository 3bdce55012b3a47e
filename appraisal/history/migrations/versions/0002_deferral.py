"""Deferred pay and clawback (issue 14): grants and their tranches, movements on tranches
(released, forfeited, stopped), clawback events, receivables and recoveries; triggers refuse
UPDATE and DELETE of every row (a tranche's state is the sum of its movements, never edited).

Revision ID: 0002_deferral
Revises: 0001_ledger
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_deferral"
down_revision = "0001_ledger"
branch_labels = None
depends_on = None

TABLES = (
    "deferral_grants", "deferral_tranches", "clawback_events", "deferral_movements",
    "clawback_receivables", "clawback_recoveries",
)
MESSAGE = "appraise ledger: closed records are immutable (a revision adds a version)"


def _version() -> sa.Column:
    return sa.Column("version_id", sa.Integer(), sa.ForeignKey("period_versions.id"),
                     nullable=False)


def _tables() -> None:
    op.create_table(
        "deferral_grants",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _version(),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("grant_period", sa.String(20), nullable=False),
        sa.Column("group_id", sa.String(100), nullable=False),
        sa.Column("share", sa.String(40), nullable=False),
        sa.Column("pay", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("unit", "manager_id", "grant_period", name="uq_deferral_grant"),
    )
    op.create_table(
        "deferral_tranches",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("grant_id", sa.Integer(), sa.ForeignKey("deferral_grants.id"),
                  nullable=False),
        _version(),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("grant_period", sa.String(20), nullable=False),
        sa.Column("tranche", sa.Integer(), nullable=False),
        sa.Column("due_period", sa.String(20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("grant_id", "tranche", name="uq_deferral_tranche"),
    )
    op.create_table(
        "clawback_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _version(),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("event_id", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("periods", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=True),
        sa.Column("share", sa.String(40), nullable=True),
        sa.Column("claim", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("unit", "event_id", name="uq_clawback_event"),
    )
    op.create_table(
        "deferral_movements",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _version(),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("tranche_id", sa.Integer(), sa.ForeignKey("deferral_tranches.id"),
                  nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("clawback_id", sa.Integer(), sa.ForeignKey("clawback_events.id"),
                  nullable=True),
        sa.CheckConstraint("kind IN ('released', 'forfeited', 'stopped')",
                           name="ck_movement_kind"),
        sa.CheckConstraint("amount > 0", name="ck_movement_amount"),
    )
    op.create_table(
        "clawback_receivables",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _version(),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("clawback_id", sa.Integer(), sa.ForeignKey("clawback_events.id"),
                  nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
    )
    op.create_table(
        "clawback_recoveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _version(),
        sa.Column("unit", sa.String(100), nullable=False),
        sa.Column("manager_id", sa.String(100), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
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
