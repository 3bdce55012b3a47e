"""Closed versions sealed against INSERT too: on SQLite, `INSERT OR REPLACE` (and `REPLACE`)
on a row that exists deleted the closed row without firing its DELETE trigger and wrote a new
one in its place; and a raw INSERT could add a manager, an amount or a tranche to a version
closed long ago. Triggers now refuse both: an INSERT whose key (primary key or a unique
constraint) is already taken, and a row of any table but `period_versions` for a version other
than the one being closed (PostgreSQL: the version must have been inserted by the same
transaction; SQLite: it must be the newest version of the ledger).

Revision ID: 0004_sealed
Revises: 0003_year
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_sealed"
down_revision = "0003_year"
branch_labels = None
depends_on = None

TABLES = (
    "period_versions", "input_files", "output_files", "manager_figures", "manager_amounts",
    "pool_ledger", "retro_adjustments", "retro_settlements", "pool_adjustments",
    "pool_settlements",
    "deferral_grants", "deferral_tranches", "clawback_events", "deferral_movements",
    "clawback_receivables", "clawback_recoveries",
    "indicator_actuals", "annual_settlements", "deferral_regrants",
)
MESSAGE = "appraise ledger: closed records are immutable (a revision adds a version)"


def _keys(inspector: sa.Inspector, table: str) -> list[list[str]]:
    """The column sets of `table` that REPLACE would resolve a conflict on."""
    keys = [inspector.get_pk_constraint(table).get("constrained_columns") or []]
    keys += [c["column_names"] for c in inspector.get_unique_constraints(table)]
    keys += [i["column_names"] for i in inspector.get_indexes(table) if i.get("unique")]
    return [list(k) for k in dict.fromkeys(tuple(k) for k in keys if k)]


def _sqlite_triggers() -> None:
    inspector = sa.inspect(op.get_bind())
    for table in TABLES:
        taken = " OR ".join(
            f"EXISTS (SELECT 1 FROM {table} WHERE "
            + " AND ".join(f"{c} = NEW.{c}" for c in key) + ")"
            for key in _keys(inspector, table))
        if taken:
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} FOR EACH ROW "
                f"WHEN {taken} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        if table != "period_versions":
            op.execute(
                f"CREATE TRIGGER {table}_no_late_rows BEFORE INSERT ON {table} FOR EACH ROW "
                "WHEN NEW.version_id IS NOT (SELECT MAX(id) FROM period_versions) "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def _postgresql_triggers() -> None:
    # the version a row belongs to must be inserted by this transaction (xmin is its xid)
    op.execute(
        "CREATE FUNCTION appraise_refuse_late_rows() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN IF NOT EXISTS (SELECT 1 FROM period_versions WHERE id = NEW.version_id "
        "AND xmin::text = (txid_current() % 4294967296)::text) THEN "
        f"RAISE EXCEPTION '{MESSAGE}: % into % for a version closed earlier refused', TG_OP, "
        "TG_TABLE_NAME; END IF; RETURN NEW; END $$"
    )
    for table in TABLES:
        if table != "period_versions":
            op.execute(
                f"CREATE TRIGGER {table}_no_late_rows BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION appraise_refuse_late_rows()"
            )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        _sqlite_triggers()
    elif dialect == "postgresql":
        _postgresql_triggers()
    else:
        raise RuntimeError(f"the appraise ledger supports SQLite and PostgreSQL, not {dialect}")


def downgrade() -> None:
    raise RuntimeError("the appraise ledger is append-only: its migrations are never undone")
